/**
 * The conversation list's line for the newest message. Main names what a
 * message carries in `mediaLabel` ("📷 Photo") and, for a text of files
 * only, puts that label in `body` too; the label goes before a caption so
 * the agent sees a picture came. A row from an older cache, with neither
 * and no words, still says a file came rather than nothing.
 */
export function lastMessageText(last: {
  readonly body: string;
  readonly mediaLabel?: string | undefined;
}): string {
  const label = last.mediaLabel ?? '';
  const body = last.body.trim();
  if (label === '') return body === '' ? '📎 Attachment' : last.body;
  if (body === '' || body === label) return label;
  return `${label} · ${last.body}`;
}
