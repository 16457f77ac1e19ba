/** GET and PATCH /api/v1/contacts/:phone: a contact as an integration sees and changes it. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { foldText, isTimeZone, type Actor } from '../../shared/consent';
import { normalizePhone } from '../../shared/phone';
import type { Command } from '../../shared/protocol/commands';
import type { SessionUser } from '../auth/sessions';
import type { Contact } from '../db/schema';
import { runCommands } from '../domain/commands';
import type { ServerContext } from '../domain/context';
import { listIdsOf } from '../domain/records';
import { signedIn, userOf } from './auth';
import { accountCountry, keyFrom, refused } from './commandAnswers';
import { HttpError } from './errors';
import type { AreaOptions } from './types';

const PhoneParamsSchema = z.object({ phone: z.string() });

const ContactViewSchema = z.object({
  phone: z.string(),
  name: z.string(),
  optedIn: z.boolean(),
  blocked: z.boolean(),
  timeZone: z.string().nullable(),
  lists: z.array(z.string()),
  history: z.array(
    z.object({
      at: z.string(),
      change: z.string(),
      source: z.string().nullable(),
      by: z.string(),
      text: z.string().nullable(),
      word: z.string().nullable(),
      list: z.string().nullable(),
      carrierCode: z.string().nullable(),
    }),
  ),
});
type ContactView = z.infer<typeof ContactViewSchema>;

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
type PatchContact = z.output<typeof PatchContactSchema>;

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
async function contactView(context: ServerContext, contact: Contact): Promise<ContactView> {
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

/** The rules the app applies before any command runs; a refusal is a 422 that says which. */
function checkPatch(patch: PatchContact): void {
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
}

/**
 * The commands a patch stands for, in the app's order: unblocking comes
 * first, then the name, the lists and consent, then blocking.
 */
async function commandsFor(
  context: ServerContext,
  user: SessionUser,
  contactId: string,
  patch: PatchContact,
): Promise<Command[]> {
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
  return commands;
}

export const contactsArea: FastifyPluginAsyncZod<AreaOptions> = (app, { context }) => {
  app.get(
    '/api/v1/contacts/:phone',
    {
      onRequest: signedIn(context),
      schema: { params: PhoneParamsSchema, response: { 200: ContactViewSchema } },
    },
    async (request) => {
      const contact = await contactAt(context, userOf(request), request.params.phone);
      return contactView(context, contact);
    },
  );

  /** The same rules and roles as the app, all or nothing. */
  app.patch(
    '/api/v1/contacts/:phone',
    {
      onRequest: signedIn(context),
      schema: {
        params: PhoneParamsSchema,
        body: PatchContactSchema,
        response: { 200: ContactViewSchema },
      },
    },
    async (request) => {
      const user = userOf(request);
      const patch = request.body;
      const contact = await contactAt(context, user, request.params.phone);
      checkPatch(patch);
      const commands = await commandsFor(context, user, contact.id, patch);
      if (commands.length > 0) {
        // The key stands for this request as sent: a retry derives fewer commands (the lists already match).
        const run = await runCommands(context, user, keyFrom(request), commands, 'api', {
          phone: contact.phone,
          patch,
        });
        if (!run.result.ok) throw refused(run.result.error);
      }
      return contactView(context, await contactAt(context, user, contact.phone));
    },
  );
  return Promise.resolve();
};
