/**
 * The files of the texts a request sends, made ready before its
 * transaction: looked up, checked against the carrier's limits and shrunk
 * to fit (re-encoding a picture takes a while, and on SQLite the
 * transaction holds the one connection). The handler then decides, in
 * order: the send gate, these files, the carrier's word on the number.
 */
import type { Command } from '../../../shared/protocol/commands';
import type { MediaSnapshot } from '../../../shared/protocol/media';
import { fail, type Result } from '../../../shared/result';
import type { SessionUser } from '../../auth/sessions';
import type { Shrunk } from '../../media/types';
import type { ServerContext } from '../context';

export type PreparedMedia = Result<
  { readonly media: readonly MediaSnapshot[]; readonly shrunk: readonly Shrunk[] },
  { readonly message: string }
>;

const mediaIdsOf = (command: Command): readonly string[] =>
  command.type === 'message.send' ? (command.mediaIds ?? []) : [];

/** The prepared files of each command that carries any. */
export async function prepareMedia(
  context: ServerContext,
  user: SessionUser,
  commands: readonly Command[],
): Promise<ReadonlyMap<Command, PreparedMedia>> {
  const prepared = new Map<Command, PreparedMedia>();
  for (const command of commands) {
    const ids = mediaIdsOf(command);
    if (ids.length === 0) continue;
    const limits = context.carrier.mediaLimits;
    if (context.media === undefined) {
      prepared.set(command, fail({ message: 'This server keeps no pictures or files.' }));
    } else if (limits === null) {
      prepared.set(command, fail({ message: context.carrier.mediaRefusal('') ?? '' }));
    } else {
      prepared.set(command, await context.media.forSending(user.accountId, ids, limits));
    }
  }
  return prepared;
}
