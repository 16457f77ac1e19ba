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
/** A number in E.164: a plus and digits, which no spreadsheet can run as anything but a number. */
const E164 = /^\+[1-9]\d{6,14}$/u;

/**
 * One field, neutralised and quoted as needed. `numberAsIs` leaves an E.164
 * number without the quote, for files another program must read the
 * number from (Google Contacts would keep the quote as part of it).
 */
export function csvCell(value: string, numberAsIs = false): string {
  const safe = FORMULA_START.test(value) && !(numberAsIs && E164.test(value)) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * A header line and the rows, each line ending in CRLF. E.164 numbers in
 * the `numberColumns` are written as they are (see `csvCell`).
 */
export function toCsv(
  header: readonly string[],
  rows: Iterable<readonly string[]>,
  numberColumns: readonly number[] = [],
): string {
  const lines = [header.map((cell) => csvCell(cell)).join(',')];
  for (const row of rows) {
    lines.push(row.map((cell, column) => csvCell(cell, numberColumns.includes(column))).join(','));
  }
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
