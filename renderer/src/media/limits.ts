import {
  formatBytes,
  MAX_MEDIA_BYTES,
  MAX_MEDIA_PER_MESSAGE,
  type MediaKind,
  type MediaLimits,
  TWILIO_MEDIA_LIMITS,
} from '../../../shared/protocol/media';

/**
 * What the composer checks about attachments before anything leaves: the
 * same rules the server applies when it sends (server/media/sending.ts), so
 * the agent hears them while they can still fix the message. The server
 * checks again; these only say it sooner.
 */

/** A file being attached, before it is read. */
export interface PickedFile {
  readonly name: string;
  readonly size: number;
}

/** A file already staged. */
export interface AttachedFile {
  readonly filename: string;
  readonly kind: MediaKind;
  readonly size: number;
}

const named = (name: string) => `“${name}”`;

/** A carrier's limit as it is usually said: "5 MB", not "5.0 MB". */
export function limitText(bytes: number): string {
  const megabytes = bytes / (1024 * 1024);
  return Number.isInteger(megabytes) ? `${String(megabytes)} MB` : formatBytes(bytes);
}

/**
 * Which of the files picked (button, paste or drop) may be attached next
 * to `attached` already there, and a sentence for each refused one: larger
 * than 25 MB, or beyond the 10 files a text carries.
 */
export function checkAttach<File extends PickedFile>(
  attached: number,
  picked: readonly File[],
): { readonly accepted: File[]; readonly refused: string[] } {
  const accepted: File[] = [];
  const refused: string[] = [];
  const tooMany: string[] = [];
  for (const file of picked) {
    if (file.size === 0) {
      refused.push(`${named(file.name)} is empty.`);
    } else if (file.size > MAX_MEDIA_BYTES) {
      refused.push(
        `${named(file.name)} is ${formatBytes(file.size)}; files can be at most ${limitText(MAX_MEDIA_BYTES)}.`,
      );
    } else if (attached + accepted.length >= MAX_MEDIA_PER_MESSAGE) {
      tooMany.push(named(file.name));
    } else {
      accepted.push(file);
    }
  }
  if (tooMany.length > 0) {
    refused.push(
      `A text carries at most ${String(MAX_MEDIA_PER_MESSAGE)} files, so ${tooMany.join(', ')} ${tooMany.length === 1 ? 'was' : 'were'} not attached.`,
    );
  }
  return { accepted, refused };
}

export interface SendCheck {
  /** Why the message cannot go as it is; null when it can. */
  readonly blocked: string | null;
  /** What will happen to it that the agent should know (pictures shrunk); null when nothing. */
  readonly notice: string | null;
}

/**
 * Whether the attached files can go in one MMS under the carrier's limits:
 * pictures over the total are shrunk by the server (say so); other files are
 * never changed, so if they alone are over it the message is blocked, naming
 * them. Files phones cannot show are refused by the server, so here too.
 */
export function checkSend(
  files: readonly AttachedFile[],
  limits: MediaLimits = TWILIO_MEDIA_LIMITS,
): SendCheck {
  if (files.length === 0) return { blocked: null, notice: null };
  const limit = limitText(limits.maxTotalBytes);
  if (files.length > limits.maxCount) {
    return {
      blocked: `A text carries at most ${String(limits.maxCount)} files; remove ${String(files.length - limits.maxCount)}.`,
      notice: null,
    };
  }
  const unshowable = files.filter((file) => file.kind === 'file');
  if (unshowable.length > 0) {
    return {
      blocked: `${unshowable.map((file) => named(file.filename)).join(', ')} ${unshowable.length === 1 ? 'is' : 'are'} not a picture, PDF, contact card, audio or video, so phones would not show ${unshowable.length === 1 ? 'it' : 'them'}. Remove ${unshowable.length === 1 ? 'it' : 'them'} to send.`,
      notice: null,
    };
  }
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (total <= limits.maxTotalBytes) return { blocked: null, notice: null };
  const fixed = files.filter((file) => file.kind !== 'image');
  const fixedBytes = fixed.reduce((sum, file) => sum + file.size, 0);
  // Pictures shrink; the rest must fit as they are, with some room left for the pictures.
  const pictures = files.length - fixed.length;
  if (pictures === 0 || fixedBytes >= limits.maxTotalBytes) {
    const names = fixed.map((file) => `${named(file.filename)} (${formatBytes(file.size)})`);
    return {
      blocked: `Files can be ${limit} in all in one MMS; ${names.join(', ')} ${fixed.length === 1 ? 'is' : 'are'} more than that. Pictures are made smaller automatically, other files cannot be.`,
      notice: null,
    };
  }
  return {
    blocked: null,
    notice: `The files are ${formatBytes(total)}, over the ${limit} MMS limit: ${pictures === 1 ? 'the picture' : 'pictures'} will be made smaller automatically to fit.`,
  };
}

/** "2 pictures were made smaller to fit the 5 MB MMS limit." after a send that shrank some. */
export function shrunkSentence(
  count: number,
  limits: MediaLimits = TWILIO_MEDIA_LIMITS,
): string | null {
  if (count === 0) return null;
  const what = count === 1 ? '1 picture was' : `${String(count)} pictures were`;
  return `${what} made smaller to fit the ${limitText(limits.maxTotalBytes)} MMS limit.`;
}
