/**
 * Saves text as a file through the browser's own download (in Electron, the
 * save dialog). The text is built by main, never fetched from anywhere.
 */
export function download(filename: string, text: string, type = 'text/csv', bom = true): void {
  // A byte order mark, so spreadsheet programs read the names' accents as UTF-8
  // (left out where it does harm: some phones refuse a vCard that starts with one).
  const blob = new Blob(bom ? ['\uFEFF', text] : [text], { type: `${type};charset=utf-8` });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}
