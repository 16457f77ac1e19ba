import { z } from 'zod';

/**
 * Pictures and files on texts (MMS). The server keeps the bytes; desktops
 * and the REST API see these records, never bytes, and fetch a file through
 * a short-lived signed address the server gives them.
 *
 * The type is what the bytes are (sniffed on the server), never what the
 * carrier or the uploader claimed. Only the types below are shown in the
 * app; anything else is kept as a download with a warning.
 */

/** How the app shows a file. `file` is a download with a warning. */
export const MEDIA_KINDS = ['image', 'pdf', 'vcard', 'audio', 'video', 'file'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** The types the app shows, by sniffed MIME type. */
export const SHOWN_TYPES: Readonly<Record<string, Exclude<MediaKind, 'file'>>> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/gif': 'image',
  'image/webp': 'image',
  'image/heic': 'image',
  'image/heif': 'image',
  'application/pdf': 'pdf',
  'text/vcard': 'vcard',
  'audio/mpeg': 'audio',
  'audio/amr': 'audio',
  'video/mp4': 'video',
  'video/3gpp': 'video',
};

/** The kind a sniffed type is shown as; `file` (download with a warning) for the rest. */
export function mediaKindOf(type: string): MediaKind {
  return SHOWN_TYPES[type.toLowerCase()] ?? 'file';
}

/** The variants of a file the server serves. */
export const MEDIA_VARIANTS = ['original', 'preview', 'thumbnail'] as const;
export type MediaVariant = (typeof MEDIA_VARIANTS)[number];

/** The longest side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 320;
/** The longest side of the re-encoded picture the viewer shows. */
export const PREVIEW_SIZE = 2048;

export const MediaSchema = z.object({
  id: z.string(),
  /** SHA-256 of the original bytes, hex: the same file is kept once. */
  sha256: z.string(),
  /** The sniffed MIME type; application/octet-stream when nothing is recognised. */
  type: z.string(),
  kind: z.enum(MEDIA_KINDS),
  /** Bytes of the original. */
  size: z.number().int().nonnegative(),
  /** The name it came with, if any (uploads, some carriers); search finds it. */
  filename: z.string().nullable(),
  /** What the carrier or uploader said it was, when that differs from `type`. */
  claimedType: z.string().nullable(),
  /** Pixels of an image (of the original), when known. */
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /**
   * True when the server made a re-encoded picture (JPEG or PNG, location
   * and other metadata stripped) and a thumbnail: every image, HEIC too.
   * Only those are ever displayed; the original is for "save as…".
   */
  hasPreview: z.boolean(),
  /** The retention period removed the bytes; the record stays so the thread says so. */
  expired: z.boolean(),
  createdAt: z.string(),
});
export type MediaSnapshot = z.infer<typeof MediaSchema>;

/** What a carrier takes in one MMS. */
export interface MediaLimits {
  readonly maxCount: number;
  /** All files of one message together. */
  readonly maxTotalBytes: number;
}

/** Twilio: at most 10 files and 5 MB in all per message. */
export const TWILIO_MEDIA_LIMITS: MediaLimits = { maxCount: 10, maxTotalBytes: 5 * 1024 * 1024 };

/** The most files one message may carry, whatever the carrier. */
export const MAX_MEDIA_PER_MESSAGE = 10;
/** The largest file the server accepts (uploaded or from a carrier), before any shrinking. */
export const MAX_MEDIA_BYTES = 25 * 1024 * 1024;

/** How the conversation list and notifications name a message with no words: "📷 Photo". */
export function describeMedia(media: readonly Pick<MediaSnapshot, 'kind'>[]): string {
  if (media.length === 0) return '';
  const first = media[0]?.kind ?? 'file';
  const label: Record<MediaKind, string> = {
    image: '📷 Photo',
    pdf: '📄 PDF',
    vcard: '👤 Contact card',
    audio: '🎵 Audio',
    video: '🎬 Video',
    file: '📎 File',
  };
  const all = media.every((item) => item.kind === first);
  if (media.length === 1) return label[first];
  if (all && first === 'image') return `📷 ${media.length} photos`;
  return `📎 ${media.length} attachments`;
}

/** A size as people read it: "840 KB", "4.2 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
