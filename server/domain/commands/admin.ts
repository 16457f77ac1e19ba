import { randomUUID } from 'node:crypto';
import { normalizePhone } from '../../../shared/phone';
import type { Command } from '../../../shared/protocol/commands';
import type { UserSnapshot } from '../../../shared/protocol/entities';
import { ok } from '../../../shared/result';
import { hashPassword } from '../../auth/passwords';
import { endSessions } from '../../auth/sessions';
import type { User } from '../../db/schema';
import { accountProfileOf } from '../accountProfile';
import { lockAccount, refuse, type Handler, type Scope } from './scope';

/**
 * Administration: the account's settings, its business numbers and its
 * people. Admins only (COMMAND_ROLES); every change is logged, so each
 * desktop's Settings screen and list of people follow.
 */

export const accountUpdate: Handler<'account.update'> = async (scope, command) => {
  await lockAccount(scope);
  await scope.trx
    .updateTable('accounts')
    .set({
      ...(command.businessName !== undefined && { name: command.businessName }),
      ...(command.defaultCountry !== undefined && { default_country: command.defaultCountry }),
      ...(command.timeZone !== undefined && { time_zone: command.timeZone }),
    })
    .where('id', '=', scope.accountId)
    .execute();
  return ok({ profile: await logProfile(scope) });
};

/** Logs the account's whole profile as it now is (`account.updated`). */
export async function logProfile(scope: Scope) {
  const profile = await accountProfileOf(scope.trx, scope.accountId);
  scope.changes.push({ type: 'account.updated', data: profile });
  return profile;
}

/**
 * Adds a business number, read with the account's country. Texts to a number
 * are filed under the account that has it, so a number belongs to one
 * account on the whole server.
 */
export const businessNumberAdd: Handler<'businessNumber.add'> = async (scope, command) => {
  const phone = normalizePhone(command.phone, scope.defaultCountry);
  if (!phone.ok) return refuse('invalid-input', `“${command.phone}”: ${phone.error.message}`);
  await lockAccount(scope);
  const taken = await scope.trx
    .selectFrom('business_numbers')
    .select('account_id')
    .where('phone', '=', phone.value)
    .executeTakeFirst();
  if (taken !== undefined) {
    return refuse(
      'conflict',
      taken.account_id === scope.accountId
        ? `${phone.value} is already one of this account’s numbers.`
        : `${phone.value} belongs to another account on this server.`,
    );
  }
  await scope.trx
    .insertInto('business_numbers')
    .values({
      id: randomUUID(),
      account_id: scope.accountId,
      phone: phone.value,
      label: '',
      created_at: scope.at,
    })
    .execute();
  return ok({ profile: await logProfile(scope) });
};

const userSnapshot = (user: Pick<User, 'id' | 'email' | 'name' | 'role' | 'disabled_at'>) =>
  ({
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    disabled: user.disabled_at !== null,
  }) satisfies UserSnapshot;

/**
 * Password hashes for the commands that carry a password, made before the
 * transaction opens: hashing takes about 100 ms on purpose, and must not
 * hold the database (on SQLite, every other write) while it runs.
 */
export async function hashPasswords(
  commands: readonly Command[],
): Promise<ReadonlyMap<Command, string>> {
  const hashes = new Map<Command, string>();
  for (const command of commands) {
    if (command.type === 'user.create') hashes.set(command, await hashPassword(command.password));
  }
  return hashes;
}

/** The name people see: the one given, else the part of the email before the @. */
function displayName(name: string | undefined, email: string): string {
  const given = name?.trim() ?? '';
  if (given !== '') return given;
  const local = email.split('@')[0] ?? '';
  return local === '' ? email : local;
}

/** Emails sign people in, so each is unique on the whole server, across accounts. */
export const emailTakenMessage = (email: string): string => `Someone already signs in as ${email}.`;

export const userCreate: Handler<'user.create'> = async (scope, command) => {
  const email = command.email.trim().toLowerCase();
  const passwordHash = scope.passwordHashes.get(command);
  if (passwordHash === undefined) throw new Error('user.create ran without its password hash.');
  const taken = await scope.trx
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirst();
  if (taken !== undefined) return refuse('conflict', emailTakenMessage(email));
  const user = {
    id: randomUUID(),
    email,
    name: displayName(command.name, email),
    role: command.role,
    disabled_at: null,
  };
  await scope.trx
    .insertInto('users')
    .values({
      ...user,
      account_id: scope.accountId,
      password_hash: passwordHash,
      created_at: scope.at,
    })
    .execute();
  const snapshot = userSnapshot(user);
  scope.changes.push({ type: 'user.updated', data: snapshot });
  return ok({ user: snapshot });
};

/**
 * Renames a person, changes their role, or removes or gives back their
 * access. Removing access ends every session they have (their desktops are
 * signed out). The account always keeps an admin who can sign in, and
 * nobody removes their own access.
 */
export const userUpdate: Handler<'user.update'> = async (scope, command) => {
  // People of the account change one edit at a time: "the last admin" holds.
  await lockAccount(scope);
  const users = await scope.trx
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'disabled_at'])
    .where('account_id', '=', scope.accountId)
    .execute();
  const before = users.find((user) => user.id === command.userId);
  if (before === undefined) return refuse('not-found', 'There is no such person in this account.');
  if (command.disabled === true && before.id === scope.user.id) {
    return refuse('not-allowed', 'You cannot remove your own access. Ask another admin to do it.');
  }
  const after = {
    ...before,
    ...(command.name !== undefined && { name: command.name }),
    ...(command.role !== undefined && { role: command.role }),
    ...(command.disabled !== undefined && {
      disabled_at: command.disabled ? (before.disabled_at ?? scope.at) : null,
    }),
  };
  const activeAdmin = (user: typeof before) => user.role === 'admin' && user.disabled_at === null;
  const adminsLeft = users.filter((user) => activeAdmin(user.id === after.id ? after : user));
  if (activeAdmin(before) && adminsLeft.length === 0) {
    return refuse(
      'not-allowed',
      `${before.name} is the account’s last admin: make someone else an admin first.`,
    );
  }
  const unchanged =
    after.name === before.name &&
    after.role === before.role &&
    after.disabled_at === before.disabled_at;
  if (unchanged) return ok({ user: userSnapshot(before) });
  await scope.trx
    .updateTable('users')
    .set({ name: after.name, role: after.role, disabled_at: after.disabled_at })
    .where('id', '=', before.id)
    .execute();
  if (after.disabled_at !== null && before.disabled_at === null) {
    await endSessions(scope.trx, { userIds: [before.id] }, 'access-removed', new Date(scope.at));
  }
  // Their desktops close at once. (A new role needs no reconnect: each command checks the
  // person's role as it is now, and their desktops hear of it in the change.)
  if (after.disabled_at !== null && before.disabled_at === null) scope.cuts.userIds.push(before.id);
  const snapshot = userSnapshot(after);
  scope.changes.push({ type: 'user.updated', data: snapshot });
  return ok({ user: snapshot });
};
