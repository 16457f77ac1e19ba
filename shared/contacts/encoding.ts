import chardet from 'chardet';

/**
 * Reading a contacts file's bytes as text. Google and iCloud write UTF-8;
 * Outlook for Windows writes the system's code page (Windows-1252 in the
 * West), Microsoft 365 UTF-8 with a byte-order mark, Excel's "Unicode text"
 * UTF-16. A BOM decides; then UTF-8 when every byte sequence is valid UTF-8
 * (which text in another encoding almost never is); then the statistical
 * guess of `chardet`, limited to encodings every TextDecoder knows. The
 * preview names the encoding, and the person can pick another.
 */

export interface TextEncodingChoice {
  /** The WHATWG encoding label TextDecoder takes. */
  readonly id: string;
  readonly label: string;
}

export const TEXT_ENCODINGS: readonly TextEncodingChoice[] = [
  { id: 'utf-8', label: 'Unicode (UTF-8)' },
  { id: 'windows-1252', label: 'Western (Windows-1252)' },
  { id: 'utf-16le', label: 'Unicode (UTF-16 LE)' },
  { id: 'utf-16be', label: 'Unicode (UTF-16 BE)' },
  { id: 'windows-1250', label: 'Central European (Windows-1250)' },
  { id: 'iso-8859-2', label: 'Central European (ISO-8859-2)' },
  { id: 'windows-1251', label: 'Cyrillic (Windows-1251)' },
  { id: 'koi8-r', label: 'Cyrillic (KOI8-R)' },
  { id: 'iso-8859-7', label: 'Greek (ISO-8859-7)' },
  { id: 'windows-1253', label: 'Greek (Windows-1253)' },
  { id: 'windows-1254', label: 'Turkish (Windows-1254)' },
  { id: 'iso-8859-8', label: 'Hebrew (ISO-8859-8)' },
  { id: 'windows-1256', label: 'Arabic (Windows-1256)' },
  { id: 'macintosh', label: 'Western (Mac Roman)' },
  { id: 'shift_jis', label: 'Japanese (Shift JIS)' },
  { id: 'euc-jp', label: 'Japanese (EUC-JP)' },
  { id: 'gb18030', label: 'Chinese Simplified (GB18030)' },
  { id: 'big5', label: 'Chinese Traditional (Big5)' },
  { id: 'euc-kr', label: 'Korean (EUC-KR)' },
];

const KNOWN = new Set(TEXT_ENCODINGS.map((encoding) => encoding.id));

/** chardet's names, as TextDecoder labels; ISO-8859-1 is read as its superset, Windows-1252. */
function fromDetector(name: string | null): string | null {
  if (name === null) return null;
  const folded = name.toLowerCase();
  if (folded === 'iso-8859-1' || folded === 'ascii') return 'windows-1252';
  if (folded === 'iso-8859-9') return 'windows-1254';
  if (folded === 'gb2312' || folded === 'gbk') return 'gb18030';
  return KNOWN.has(folded) ? folded : null;
}

export interface DecodedText {
  readonly text: string;
  /** The encoding read (one of TEXT_ENCODINGS' ids). */
  readonly encoding: string;
}

function bomOf(bytes: Uint8Array): { encoding: string; length: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { encoding: 'utf-8', length: 3 };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

/** True when the bytes are valid UTF-8 (ASCII included). */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The encoding the bytes are most likely in. */
export function detectEncoding(bytes: Uint8Array): string {
  const bom = bomOf(bytes);
  if (bom !== null) return bom.encoding;
  if (isUtf8(bytes)) return 'utf-8';
  // A sample is plenty for the guess, and keeps a 20 MB file quick.
  return fromDetector(chardet.detect(bytes.subarray(0, 256 * 1024))) ?? 'windows-1252';
}

/** The bytes as text, in `encoding` when given, else in the detected one; a BOM is dropped. */
export function decodeText(bytes: Uint8Array, encoding?: string): DecodedText {
  const chosen = encoding ?? detectEncoding(bytes);
  const bom = bomOf(bytes);
  const body = bom !== null && bom.encoding === chosen ? bytes.subarray(bom.length) : bytes;
  // Without `fatal`, a byte the encoding lacks becomes U+FFFD instead of failing the file.
  return { text: new TextDecoder(chosen).decode(body), encoding: chosen };
}
