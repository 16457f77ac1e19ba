import { describeMedia, MEDIA_KINDS, type MediaKind } from '../../../shared/protocol/media';

/**
 * The conversation list's line for the newest message. A text with no words
 * carried only files: it is named by them ("📷 Photo"). The list item says
 * so by `mediaLabel` (the label made in main) or by its media's kinds;
 * from a row that carries neither, an empty body is still a file.
 */
export function lastMessageText(last: { readonly body: string }): string {
  if (last.body.trim() !== '') return last.body;
  const extra = last as { readonly mediaLabel?: unknown; readonly media?: unknown };
  if (typeof extra.mediaLabel === 'string' && extra.mediaLabel !== '') return extra.mediaLabel;
  if (Array.isArray(extra.media)) {
    const kinds = extra.media
      .map((item: unknown) =>
        typeof item === 'string' ? item : (item as { readonly kind?: unknown } | null)?.kind,
      )
      .filter((kind): kind is MediaKind => (MEDIA_KINDS as readonly unknown[]).includes(kind));
    if (kinds.length > 0) return describeMedia(kinds.map((kind) => ({ kind })));
  }
  return '📎 Attachment';
}
