import { open } from 'node:fs/promises';
import { fileTypeFromBuffer } from 'file-type';
import { mediaKindOf, type MediaKind } from '../../shared/protocol/media';

/** What the bytes of a file are, whatever its sender claimed. */
export interface Sniffed {
  /** A MIME type; application/octet-stream when nothing is recognised. */
  readonly type: string;
  readonly kind: MediaKind;
}

/** Bytes read from the start of a file: enough for every format file-type knows. */
const HEAD_BYTES = 4100;

/** file-type's names for the shown types, as the types the app uses. */
const SAME_AS: Readonly<Record<string, string>> = {
  'image/heif': 'image/heic',
  'image/heic-sequence': 'image/heic',
  'image/heif-sequence': 'image/heic',
  'audio/amr-wb': 'audio/amr',
  'video/3gpp2': 'video/3gpp',
};

const VCARD = /^(?:\uFEFF)?\s*BEGIN:VCARD\r?\n/iu;

/**
 * Decides a file's type from its first bytes (the well-known magic numbers,
 * through file-type), and a vCard by its first line. Text formats such as
 * HTML and SVG are never recognised as anything shown, so a file that claims
 * to be image/jpeg but is HTML ends up a download with a warning.
 */
export async function sniffBuffer(head: Uint8Array): Promise<Sniffed> {
  const found = await fileTypeFromBuffer(head);
  if (found !== undefined) {
    const type = SAME_AS[found.mime] ?? found.mime;
    return { type, kind: mediaKindOf(type) };
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 64));
  if (VCARD.test(text)) return { type: 'text/vcard', kind: 'vcard' };
  return { type: 'application/octet-stream', kind: 'file' };
}

/** The same for a file on disk, reading only its first bytes. */
export async function sniffFile(path: string): Promise<Sniffed> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    return await sniffBuffer(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
