import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { foldText, isTimeZone, type Actor } from '../../shared/consent';
import { isCountryCode, normalizePhone } from '../../shared/phone';
import {
  IdempotencyKeySchema,
  MAX_TEXT_LENGTH,
  MIN_PASSWORD_LENGTH,
  type Command,
  type CommandError,
  type CommandErrorCode,
} from '../../shared/protocol/commands';
import type { SessionUser } from '../auth/sessions';
import { runCommand, runCommands, type CommandRun } from '../domain/commands';
import type { ServerContext } from '../domain/context';
import { listIdsOf } from '../domain/records';
import type { Contact } from '../db/schema';
import { requireRole, requireUser } from './auth';
import { HttpError, readJson, sendJson } from './io';

/** How a refused command is answered over HTTP. */
const STATUS: Readonly<Record<CommandErrorCode, number>> = {
  'invalid-input': 422,
  'note-required': 422,
  'not-found': 404,
  'not-allowed': 403,
  'unblock-first': 409,
  blocked: 409,
  'opted-out': 409,
  conflict: 409,
  'key-reused': 409,
  internal: 500,
};

const refused = (error: CommandError): HttpError =>
  new HttpError(STATUS[error.code], error.code, error.message);

/** Logs delivery failures of texts a request queued; the request itself is already answered. */
function settle(run: CommandRun<unknown>): void {
  run.sending.catch((error: unknown) => {
    console.error('Sending a queued text failed', error);
  });
}

const keyFrom = (request: IncomingMessage, inBody?: string): string | null => {
  const header = request.headers['idempotency-key'];
  const key = inBody ?? (typeof header === 'string' ? header : undefined);
  if (key === undefined) return null;
  const parsed = IdempotencyKeySchema.safeParse(key);
  if (!parsed.success) {
    throw new HttpError(422, 'invalid-input', parsed.error.issues[0]?.message ?? 'Bad key.');
  }
  return parsed.data;
};

async function accountCountry(context: ServerContext, user: SessionUser) {
  const account = await context.db
    .selectFrom('accounts')
    .select('default_country')
    .where('id', '=', user.accountId)
    .executeTakeFirstOrThrow();
  return isCountryCode(account.default_country) ? account.default_country : context.defaultCountry;
}

/** The contact a `:phone` path names, in any format the account's default country reads. */
async function contactAt(
  context: ServerContext,
  user: SessionUser,
  phone: string,
): Promise<Contact> {
  const number = normalizePhone(phone, await accountCountry(context, user));
  if (!number.ok) throw new HttpError(422, 'invalid-number', number.error.message);
  const contact = await context.db
    .selectFrom('contacts')
    .selectAll()
    .where('account_id', '=', user.accountId)
    .where('phone', '=', number.value)
    .executeTakeFirst();
  if (contact === undefined) {
    throw new HttpError(404, 'not-found', `No contact has the number ${number.value}.`);
  }
  return contact;
}

function describeActor(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return actor.name;
    case 'contact':
      return 'the contact';
    case 'carrier':
      return 'the carrier';
    case 'system':
      return 'Textdesk';
  }
}

/** The contact as an integration sees it: lists by name, and the whole consent history. */
async function contactView(context: ServerContext, contact: Contact) {
  const [lists, history] = await Promise.all([
    context.db
      .selectFrom('lists')
      .select(['id', 'name'])
      .where('account_id', '=', contact.account_id)
      .execute(),
    context.db
      .selectFrom('consent_history')
      .selectAll()
      .where('contact_id', '=', contact.id)
      .orderBy('id')
      .execute(),
  ]);
  const names = new Map(lists.map((list) => [list.id, list.name]));
  const memberOf = await listIdsOf(context.db, contact.id);
  return {
    phone: contact.phone,
    name: contact.name,
    optedIn: contact.opted_in === 1,
    blocked: contact.blocked === 1,
    timeZone: contact.time_zone,
    lists: memberOf.map((id) => names.get(id) ?? id).sort(),
    history: history.map((entry) => ({
      at: entry.at,
      change: entry.change,
      source: entry.source,
      by: describeActor(JSON.parse(entry.actor) as Actor),
      text: entry.text,
      word: entry.word,
      list: entry.list_id === null ? null : (names.get(entry.list_id) ?? entry.list_id),
      carrierCode: entry.carrier_code,
    })),
  };
}

/** GET /api/v1/contacts/:phone */
export async function getContact(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  params: Readonly<Record<string, string>>,
): Promise<void> {
  const user = await requireUser(context, request);
  const contact = await contactAt(context, user, params.phone ?? '');
  sendJson(response, 200, await contactView(context, contact));
}

const PatchContactSchema = z.strictObject({
  name: z.string().trim().max(200, 'A name can be at most 200 characters.').optional(),
  optedIn: z.boolean().optional(),
  /** How the contact consented; required to opt in (R4). */
  consentNote: z.string().max(500, 'consentNote can be at most 500 characters.').optional(),
  blocked: z.boolean().optional(),
  /** The contact's own zone for quiet hours (IANA), or null for the account's. */
  timeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'timeZone must be a time zone such as America/Chicago.')
    .nullable()
    .optional(),
  /** The lists the contact should be on, by name: the contact is added to and removed from lists to match. */
  lists: z.array(z.string().max(100)).max(50).optional(),
});

/**
 * PATCH /api/v1/contacts/:phone — the same rules and roles as the app, all
 * or nothing: unblocking comes first, then the name, the lists and consent,
 * then blocking.
 */
export async function patchContact(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  params: Readonly<Record<string, string>>,
): Promise<void> {
  const user = await requireUser(context, request);
  const patch = await readJson(request, PatchContactSchema);
  const contact = await contactAt(context, user, params.phone ?? '');
  if (patch.consentNote !== undefined && patch.optedIn !== true) {
    throw new HttpError(
      422,
      'invalid-input',
      'consentNote goes with optedIn: true; it says how the contact consented.',
    );
  }
  if (patch.blocked === true && patch.optedIn === true) {
    throw new HttpError(
      422,
      'invalid-input',
      'A contact cannot be blocked and opted in at once: blocking opts them out.',
    );
  }
  if (patch.optedIn === true && (patch.consentNote ?? '').trim() === '') {
    throw new HttpError(
      422,
      'note-required',
      'To opt a contact in, say how they consented in consentNote, for example “asked on the phone 23 Nov”.',
    );
  }
  const contactId = contact.id;
  const commands: Command[] = [];
  if (patch.blocked === false) commands.push({ type: 'contact.unblock', contactId });
  if (patch.name !== undefined || patch.timeZone !== undefined) {
    commands.push({
      type: 'contact.update',
      contactId,
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.timeZone !== undefined && { timeZone: patch.timeZone }),
    });
  }
  if (patch.lists !== undefined) {
    const lists = await context.db
      .selectFrom('lists')
      .select(['id', 'name'])
      .where('account_id', '=', user.accountId)
      .execute();
    const wanted = new Set<string>();
    for (const name of patch.lists) {
      const list = lists.find((candidate) => foldText(candidate.name) === foldText(name));
      if (list === undefined) {
        throw new HttpError(422, 'invalid-input', `There is no list called “${name}”.`);
      }
      wanted.add(list.id);
    }
    const current = new Set(await listIdsOf(context.db, contactId));
    for (const { id } of lists) {
      if (wanted.has(id) !== current.has(id)) {
        commands.push({ type: 'contact.lists', contactId, listId: id, member: wanted.has(id) });
      }
    }
  }
  if (patch.optedIn === true) {
    commands.push({ type: 'contact.optIn', contactId, note: patch.consentNote ?? '' });
  } else if (patch.optedIn === false) {
    commands.push({ type: 'contact.optOut', contactId });
  }
  if (patch.blocked === true) commands.push({ type: 'contact.block', contactId });

  if (commands.length > 0) {
    // The key stands for this request as sent: a retry derives fewer commands (the lists already match).
    const run = await runCommands(context, user, keyFrom(request), commands, 'api', {
      phone: contact.phone,
      patch,
    });
    if (!run.result.ok) throw refused(run.result.error);
  }
  const updated = await contactAt(context, user, contact.phone);
  sendJson(response, 200, await contactView(context, updated));
}

const SendSchema = z.strictObject({
  to: z.string({ error: 'to is required: the number to text.' }).min(1).max(40),
  body: z
    .string({ error: 'body is required.' })
    .max(MAX_TEXT_LENGTH, `A text can be at most ${String(MAX_TEXT_LENGTH)} characters.`)
    .refine((value) => value.trim() !== '', 'body is empty.'),
  idempotencyKey: z.string().optional(),
  /** Send later: a scheduled text, which also waits for the recipient's quiet hours. */
  sendAt: z.iso
    .datetime({
      offset: true,
      error: 'sendAt must be a date and time such as 2026-11-24T15:00:00Z.',
    })
    .optional(),
});

/** POST /api/v1/messages {to, body, idempotencyKey?} → 201 with the queued message. */
export async function postMessage(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const user = await requireUser(context, request);
  const input = await readJson(request, SendSchema);
  const run = await runCommand(
    context,
    user,
    keyFrom(request, input.idempotencyKey),
    {
      type: 'message.send',
      to: input.to,
      body: input.body,
      ...(input.sendAt !== undefined && { sendAt: input.sendAt }),
    },
    'api',
  );
  if (!run.result.ok) throw refused(run.result.error);
  settle(run);
  response.setHeader('Idempotent-Replayed', String(run.replayed));
  sendJson(response, 201, run.result.value);
}

const NewUserSchema = z.strictObject({
  email: z.email('email must be an email address.').max(320),
  password: z
    .string()
    .min(
      MIN_PASSWORD_LENGTH,
      `A password needs at least ${String(MIN_PASSWORD_LENGTH)} characters.`,
    )
    .max(1024),
  role: z.enum(['agent', 'supervisor', 'admin'], {
    error: 'role is agent, supervisor or admin.',
  }),
  name: z.string().trim().max(200).optional(),
});

/**
 * POST /api/v1/users {email, password, role, name?}: admins add people to
 * their account. The same command as the desktop's Users screen (user.create).
 */
export async function postUser(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const user = await requireRole(context, request, ['admin'], 'add people');
  const input = await readJson(request, NewUserSchema);
  const run = await runCommand(
    context,
    user,
    null,
    {
      type: 'user.create',
      email: input.email,
      password: input.password,
      role: input.role,
      ...(input.name !== undefined && { name: input.name }),
    },
    'api',
  );
  if (!run.result.ok) throw refused(run.result.error);
  const { id, email, name, role } = run.result.value.user;
  sendJson(response, 201, { id, email, name, role });
}
