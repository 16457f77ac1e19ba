/**
 * CSV as RFC 4180 writes it (comma-separated, CRLF line ends, a field in
 * double quotes when it holds a comma, a quote or a line break, quotes
 * doubled), with spreadsheet formula injection neutralised: a cell that
 * starts with =, +, -, @, a tab or a carriage return gets a single quote in
 * front, so Excel, LibreOffice or Google Sheets show it as text instead of
 * running it. That includes every phone number (+1…): the quote is visible
 * in a text editor, and a spreadsheet shows the number as typed.
 */

const FORMULA_START = /^[=+\-@\t\r]/u;
const NEEDS_QUOTES = /[",\r\n]/u;

/** One field, neutralised and quoted as needed. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A header line and the rows, each line ending in CRLF. */
export function toCsv(header: readonly string[], rows: Iterable<readonly string[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A name as it can stand in a file name: lower case ASCII letters, digits and dashes. */
export function slug(name: string, fallback = 'list'): string {
  const plain = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/gu, '-')
    .replace(/^-+|-+$/gu, '')
    .slice(0, 60)
    .replace(/-+$/u, '');
  return plain === '' ? fallback : plain;
}
