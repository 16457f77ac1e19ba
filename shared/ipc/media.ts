import { z } from 'zod';
import { MAX_MEDIA_BYTES, MEDIA_KINDS, type MediaVariant } from '../protocol/media';

/**
 * Pictures and files on the desktop. The renderer never sees a server's
 * address or a signed URL: it shows media by paths on its own origin,
 * `/media/<id>/<variant>`, which main serves from the local media cache
 * (fetching from the server on a miss). In Electron that is
 * app://textdesk/media/…, in the preview the preview host's origin, so the
 * renderer's CSP allows images and media from 'self' only.
 *
 * Files the agent attaches are staged in main first (`media.stage`): kept in
 * the local cache until the text that carries them is sent, so an offline
 * queued MMS keeps its files. A staged file's id starts with `staged_`; a
 * `message.send` command may name staged ids in `mediaIds`, and main uploads
 * them and puts the server's ids in their place before the command leaves.
 */

const id = z.string().min(1).max(200);

/** Ids of files staged on this desktop, not yet uploaded. */
export const STAGED_PREFIX = 'staged_';

export function isStagedId(mediaId: string): boolean {
  return mediaId.startsWith(STAGED_PREFIX);
}

/**
 * The path the renderer shows a file by. Staged files have one variant
 * (their bytes); for server media: `thumbnail` in the thread, `preview` in
 * the viewer (both re-encoded, only when `hasPreview`), `original` to save.
 */
export function mediaPath(mediaId: string, variant: MediaVariant): string {
  const safe = encodeURIComponent(mediaId);
  return isStagedId(mediaId) ? `/media/staged/${safe}` : `/media/${safe}/${variant}`;
}

/** A file attached in the composer, kept by main until it is sent or removed. */
export const StagedMediaSchema = z.object({
  id: z.string(),
  filename: z.string(),
  /** Sniffed from the bytes, as on the server. */
  type: z.string(),
  kind: z.enum(MEDIA_KINDS),
  size: z.number().int().nonnegative(),
});
export type StagedMedia = z.infer<typeof StagedMediaSchema>;

/** Base64 of the largest file, with room for padding. */
const MAX_BASE64 = Math.ceil(MAX_MEDIA_BYTES / 3) * 4 + 4;

export const mediaContract = {
  /** Keeps a file the agent attached (button, paste or drop) until it is sent or removed. */
  'media.stage': {
    input: z.strictObject({
      filename: z.string().min(1).max(255),
      /** What the browser said it is; main sniffs the bytes anyway. */
      type: z.string().max(200),
      /** The bytes, base64. */
      data: z.string().min(1, 'The file is empty.').max(MAX_BASE64, 'Files can be at most 25 MB.'),
    }),
    output: StagedMediaSchema,
  },
  /** Removes a staged file (the × on the composer's strip). */
  'media.unstage': { input: z.strictObject({ id }), output: z.null() },
} as const;
