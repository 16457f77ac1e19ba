import { fileTypeFromBuffer } from 'file-type';
import { mediaKindOf, type MediaKind } from '../../../shared/protocol/media';

/**
 * What a staged file's bytes are, decided as the server decides (its
 * server/media/sniff.ts, which the desktop may not import): file-type's
 * magic numbers, then a vCard by its first line; anything else is
 * application/octet-stream, a download with a warning. HTML or SVG calling
 * itself a JPEG is never shown as a picture.
 */

const SAME_AS: Readonly<Record<string, string>> = {
  'image/heif': 'image/heic',
  'image/heic-sequence': 'image/heic',
  'image/heif-sequence': 'image/heic',
  'audio/amr-wb': 'audio/amr',
  'video/3gpp2': 'video/3gpp',
};

const VCARD = /^(?:\uFEFF)?\s*BEGIN:VCARD\r?\n/iu;

export async function sniffBytes(
  bytes: Uint8Array,
): Promise<{ readonly type: string; readonly kind: MediaKind }> {
  const head = bytes.subarray(0, 4100);
  const found = await fileTypeFromBuffer(head);
  if (found !== undefined) {
    const type = SAME_AS[found.mime] ?? found.mime;
    return { type, kind: mediaKindOf(type) };
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 64));
  if (VCARD.test(text)) return { type: 'text/vcard', kind: 'vcard' };
  return { type: 'application/octet-stream', kind: 'file' };
}
