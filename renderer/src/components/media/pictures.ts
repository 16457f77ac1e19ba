import {
  type MediaSnapshot,
  PREVIEW_SIZE,
  THUMBNAIL_SIZE,
} from '../../../../shared/protocol/media';

/** A picture the app shows: the server made a re-encoded preview and thumbnail, and it is still kept. */
export const isViewable = (media: MediaSnapshot): boolean =>
  media.kind === 'image' && media.hasPreview && !media.expired;

/** The longest side the thread shows a thumbnail at (CSS pixels). */
const THREAD_SIDE = 240;

/** Width and height that keep the picture's shape with its longest side at most `side`. */
export function fitWithin(
  media: Pick<MediaSnapshot, 'width' | 'height'>,
  side: number,
): { readonly width: number; readonly height: number } | null {
  const { width, height } = media;
  if (width === null || height === null || width <= 0 || height <= 0) return null;
  const scale = Math.min(1, side / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/** The thumbnail's size in the thread, so the thread does not jump when it loads. */
export const thumbnailSize = (media: MediaSnapshot) =>
  fitWithin(media, Math.min(THREAD_SIDE, THUMBNAIL_SIZE)) ?? { width: THREAD_SIDE, height: 180 };

/** The preview's own size (the server's re-encode is at most 2048 on its longest side). */
export const previewSize = (media: MediaSnapshot) => fitWithin(media, PREVIEW_SIZE);

/** What a picture is called for people who cannot see it. */
export function pictureAlt(media: MediaSnapshot, from: 'customer' | 'team'): string {
  const who = from === 'customer' ? 'Picture from the customer' : 'Picture sent';
  return media.filename !== null && media.filename !== '' ? `${who}: ${media.filename}` : who;
}

/** A file's name for download, never empty. */
export function downloadName(media: MediaSnapshot): string {
  if (media.filename !== null && media.filename.trim() !== '') return media.filename;
  const extension: Record<string, string> = {
    'image/jpeg': 'jpg',
    'image/png': 'png',
    'image/gif': 'gif',
    'image/webp': 'webp',
    'image/heic': 'heic',
    'image/heif': 'heif',
    'application/pdf': 'pdf',
    'text/vcard': 'vcf',
    'audio/mpeg': 'mp3',
    'audio/amr': 'amr',
    'video/mp4': 'mp4',
    'video/3gpp': '3gp',
  };
  return `${media.kind === 'image' ? 'picture' : 'file'}.${extension[media.type] ?? 'bin'}`;
}

/** Zoom steps beyond "fit": the preview's own pixels times these. */
const ZOOMS = [0.5, 0.75, 1, 1.5, 2, 3, 4] as const;

/** The zoom after `step` (+1 in, -1 out) from `zoom` (null: fit, whose scale is `fitScale`). */
export function nextZoom(zoom: number | null, fitScale: number, step: 1 | -1): number {
  const now = zoom ?? fitScale;
  const steps =
    step === 1 ? ZOOMS.filter((z) => z > now + 0.01) : ZOOMS.filter((z) => z < now - 0.01);
  return (step === 1 ? steps[0] : steps.at(-1)) ?? now;
}
