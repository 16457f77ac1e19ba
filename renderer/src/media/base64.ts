/** Bytes as base64, in pieces so a 25 MB file never builds one huge argument list. */
export function bytesToBase64(bytes: Uint8Array): string {
  const CHUNK = 0x8000;
  const parts: string[] = [];
  for (let start = 0; start < bytes.length; start += CHUNK) {
    parts.push(String.fromCharCode(...bytes.subarray(start, start + CHUNK)));
  }
  return btoa(parts.join(''));
}

/** What a file is called when it has no name of its own (a pasted screenshot). */
export function attachName(name: string, type: string): string {
  const trimmed = name.trim();
  if (trimmed !== '') return trimmed.length > 255 ? trimmed.slice(trimmed.length - 255) : trimmed;
  const extension = /^image\/(png|jpeg|gif|webp)$/u.exec(type)?.[1];
  return `pasted.${extension === 'jpeg' ? 'jpg' : (extension ?? 'bin')}`;
}
