import type { Kysely, Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import { DEFAULT_QUIET_HOURS, defaultTriggerRules } from '../../shared/consent';
import { normalizePhone, type CountryCode } from '../../shared/phone';
import type { Change } from '../../shared/protocol/entities';
import { DEFAULT_TEMPLATES } from '../../shared/templates';
import { hashPassword } from '../auth/passwords';
import type { Database, User } from '../db/schema';
import { appendChanges } from '../domain/changes';

type Db = Kysely<Database> | Transaction<Database>;

/** Runs `work` in the caller's transaction, or in a new one. */
const inTransaction = <T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> =>
  db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);

export interface NewAccount {
  readonly name: string;
  readonly defaultCountry: CountryCode;
  readonly supportContact?: string;
  /** The first business number, in any format the default country understands. */
  readonly businessNumber: string;
}

/** The lists every account starts with. */
export const SEEDED_LISTS = [
  { name: 'Marketing', kind: 'marketing' },
  { name: 'Marketing Opt-Out', kind: 'marketing-opt-out' },
] as const;

/**
 * Creates an account with its business number, the *Marketing* and
 * *Marketing Opt-Out* lists, the default `help` and `optout` triggers and
 * the default reply templates.
 */
export async function createAccount(db: Db, input: NewAccount, now: Date): Promise<string> {
  return inTransaction(db, (trx) => createAccountIn(trx, input, now));
}

async function createAccountIn(
  db: Transaction<Database>,
  input: NewAccount,
  now: Date,
): Promise<string> {
  const phone = normalizePhone(input.businessNumber, input.defaultCountry);
  if (!phone.ok) throw new Error(`Business number: ${phone.error.message}`);
  const taken = await db
    .selectFrom('business_numbers')
    .select('id')
    .where('phone', '=', phone.value)
    .executeTakeFirst();
  // Texts to a number are stored in the account that has it: one account per number.
  if (taken !== undefined)
    throw new Error(`Business number: ${phone.value} belongs to another account.`);
  const at = now.toISOString();
  const accountId = randomUUID();
  const supportContact = input.supportContact ?? phone.value;
  await db
    .insertInto('accounts')
    .values({
      id: accountId,
      name: input.name,
      default_country: input.defaultCountry,
      support_contact: supportContact,
      created_at: at,
    })
    .execute();
  await db
    .insertInto('business_numbers')
    .values({
      id: randomUUID(),
      account_id: accountId,
      phone: phone.value,
      label: 'Main',
      created_at: at,
    })
    .execute();
  const lists = SEEDED_LISTS.map((list) => ({
    ...list,
    id: randomUUID(),
    account_id: accountId,
    created_at: at,
  }));
  await db.insertInto('lists').values(lists).execute();
  const [marketing, marketingOptOut] = lists as [(typeof lists)[0], (typeof lists)[0]];
  const rules = defaultTriggerRules({
    businessName: input.name,
    supportContact,
    marketingListIds: [marketing.id],
    marketingOptOutListId: marketingOptOut.id,
  });
  await db
    .insertInto('triggers')
    .values(
      rules.map((rule, position) => ({
        // Trigger ids are per account; the defaults keep their names (`help`, `optout`).
        id: `${accountId}:${rule.id}`,
        account_id: accountId,
        name: rule.name,
        keywords: JSON.stringify(rule.keywords),
        reply: rule.reply,
        add_lists: JSON.stringify(rule.addToLists),
        remove_lists: JSON.stringify(rule.removeFromLists),
        position,
        created_at: at,
        updated_at: at,
      })),
    )
    .execute();
  const templates = DEFAULT_TEMPLATES.map((template) => ({
    id: randomUUID(),
    name: template.name,
    body: template.body,
  }));
  await db
    .insertInto('templates')
    .values(
      templates.map((template, position) => ({
        ...template,
        account_id: accountId,
        position,
        created_at: at,
        updated_at: at,
      })),
    )
    .execute();
  // Desktops learn the account, its lists, triggers and templates from the log, like any later change.
  await appendChanges(
    db,
    accountId,
    [
      {
        type: 'account.updated',
        data: {
          accountId,
          businessName: input.name,
          defaultCountry: input.defaultCountry,
          timeZone: null,
          businessNumbers: [phone.value],
          quietHours: DEFAULT_QUIET_HOURS,
          mediaRetentionDays: null,
        },
      },
      ...lists.map((list) => ({
        type: 'list.updated' as const,
        data: { id: list.id, name: list.name, kind: list.kind },
      })),
      {
        type: 'triggers.updated',
        data: {
          accountId,
          triggers: rules.map((rule) => ({
            id: `${accountId}:${rule.id}`,
            name: rule.name,
            keywords: [...rule.keywords],
            reply: rule.reply,
            addToLists: [...rule.addToLists],
            removeFromLists: [...rule.removeFromLists],
          })),
        },
      },
      { type: 'templates.updated', data: { accountId, templates } },
    ],
    at,
  );
  return accountId;
}

export interface NewUser {
  readonly accountId: string;
  readonly email: string;
  readonly name?: string;
  readonly password: string;
  readonly role: User['role'];
}

/** The name people see: the one given, else the part of the email before the @. */
function displayName(name: string | undefined, email: string): string {
  const given = name?.trim() ?? '';
  if (given !== '') return given;
  const local = email.split('@')[0] ?? '';
  return local === '' ? email : local;
}

/** Adds a person to an account; returns their id and the logged change, to publish. */
export async function createUser(
  db: Db,
  input: NewUser,
  now: Date,
): Promise<{ id: string; changes: Change[] }> {
  const id = randomUUID();
  const at = now.toISOString();
  const email = input.email.trim().toLowerCase();
  const name = displayName(input.name, email);
  // Hashing takes a moment on purpose; do it before holding the database.
  const passwordHash = await hashPassword(input.password);
  const changes = await inTransaction(db, async (trx) => {
    await trx
      .insertInto('users')
      .values({
        id,
        account_id: input.accountId,
        email,
        name,
        role: input.role,
        password_hash: passwordHash,
        created_at: at,
        disabled_at: null,
      })
      .execute();
    return appendChanges(
      trx,
      input.accountId,
      [{ type: 'user.updated', data: { id, email, name, role: input.role, disabled: false } }],
      at,
    );
  });
  return { id, changes };
}

export interface BootstrapSettings {
  readonly adminEmail?: string | undefined;
  readonly adminPassword?: string | undefined;
  readonly businessName: string;
  readonly businessNumber: string;
  readonly defaultCountry: CountryCode;
}

/**
 * On an empty database with an admin configured, creates the first account
 * and its admin. Does nothing once anyone exists. Returns the account id
 * when it created one.
 */
export async function bootstrap(
  db: Kysely<Database>,
  settings: BootstrapSettings,
  now: Date,
): Promise<string | null> {
  if (settings.adminEmail === undefined || settings.adminPassword === undefined) return null;
  const { adminEmail, adminPassword } = settings;
  return db.transaction().execute(async (trx) => {
    const anyone = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (anyone !== undefined) return null;
    const accountId = await createAccount(
      trx,
      {
        name: settings.businessName,
        defaultCountry: settings.defaultCountry,
        businessNumber: settings.businessNumber,
      },
      now,
    );
    await createUser(
      trx,
      { accountId, email: adminEmail, password: adminPassword, role: 'admin', name: 'Admin' },
      now,
    );
    return accountId;
  });
}
