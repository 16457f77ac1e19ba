import { DEFAULT_QUIET_HOURS, type QuietHours } from '../../../shared/consent';
import type { AccountView, ContactView } from '../../../shared/ipc/views';
import {
  QuietHoursSchema,
  type ContactSnapshot,
  type ListSnapshot,
  type TemplateSnapshot,
  type TriggerSnapshot,
  type UserSnapshot,
} from '../../../shared/protocol/entities';
import type { Database } from './migrations';
import {
  CONTACT_COLUMNS,
  type ContactRecord,
  consentEntry,
  contactSnapshot,
  parseJson,
} from './rows';
import type { CacheMethods } from './types';

type GateTarget = Parameters<CacheMethods['gateContact']>[0];

/** The profile's window, as stored (a profile synced before it has none: the default). */
function quietHoursOf(stored: string | null): QuietHours {
  if (stored === null) return DEFAULT_QUIET_HOURS;
  const parsed = QuietHoursSchema.safeParse(parseJson(stored));
  return parsed.success ? parsed.data : DEFAULT_QUIET_HOURS;
}

/** Contacts with their consent history, and the account's profile, lists, triggers, templates and people. */
export class Directory {
  private readonly statements;

  constructor(db: Database) {
    this.statements = {
      contact: db.prepare<[string], ContactRecord>(
        `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE id = ?`,
      ),
      history: db.prepare<[string], { entry: string }>(
        'SELECT entry FROM consent_history WHERE contact_id = ? ORDER BY at DESC, seq DESC',
      ),
      // A contact texting several of the account's numbers has one conversation each: the latest.
      latestConversation: db.prepare<[string], { id: string }>(
        `SELECT id FROM conversations WHERE contact_id = ?
         ORDER BY last_activity_at DESC, id DESC LIMIT 1`,
      ),
      conversationContact: db.prepare<[string], { contact_id: string }>(
        'SELECT contact_id FROM conversations WHERE id = ?',
      ),
      lists: db.prepare<[], { id: string; name: string; kind: string }>(
        'SELECT id, name, kind FROM lists ORDER BY name COLLATE NOCASE, id',
      ),
      triggers: db.prepare<[], { triggers: string }>('SELECT triggers FROM triggers LIMIT 1'),
      templates: db.prepare<[], { templates: string }>('SELECT templates FROM templates LIMIT 1'),
      profile: db.prepare<
        [],
        {
          business_name: string;
          default_country: string;
          time_zone: string | null;
          business_numbers: string;
          quiet_hours: string | null;
          media_retention_days: number | null;
        }
      >(
        `SELECT business_name, default_country, time_zone, business_numbers, quiet_hours,
           media_retention_days
         FROM account_profile LIMIT 1`,
      ),
      users: db.prepare<
        [],
        { id: string; email: string; name: string; role: string; disabled: number }
      >('SELECT id, email, name, role, disabled FROM users ORDER BY name COLLATE NOCASE, id'),
    };
  }

  contact(contactId: string): ContactView | null {
    const row = this.statements.contact.get(contactId);
    if (row === undefined) return null;
    return {
      contact: contactSnapshot(row),
      history: this.statements.history.all(contactId).map(({ entry }) => consentEntry(entry)),
      conversationId: this.statements.latestConversation.get(contactId)?.id ?? null,
    };
  }

  gateContact(
    target: GateTarget,
  ): (ContactSnapshot & { readonly conversationId: string | null }) | null {
    let contactId: string;
    let conversationId: string | null;
    if ('conversationId' in target) {
      const conversation = this.statements.conversationContact.get(target.conversationId);
      if (conversation === undefined) return null;
      contactId = conversation.contact_id;
      conversationId = target.conversationId;
    } else {
      contactId = target.contactId;
      conversationId = this.statements.latestConversation.get(contactId)?.id ?? null;
    }
    const row = this.statements.contact.get(contactId);
    return row === undefined ? null : { ...contactSnapshot(row), conversationId };
  }

  account(): AccountView {
    const triggers = this.statements.triggers.get();
    const templates = this.statements.templates.get();
    const profile = this.statements.profile.get();
    return {
      lists: this.statements.lists.all().map((row) => ({
        id: row.id,
        name: row.name,
        kind: row.kind as ListSnapshot['kind'],
      })),
      triggers: triggers === undefined ? [] : (parseJson(triggers.triggers) as TriggerSnapshot[]),
      users: this.statements.users.all().map((row) => ({
        id: row.id,
        email: row.email,
        name: row.name,
        role: row.role as UserSnapshot['role'],
        disabled: row.disabled === 1,
      })),
      templates:
        templates === undefined ? [] : (parseJson(templates.templates) as TemplateSnapshot[]),
      profile:
        profile === undefined
          ? null
          : {
              businessName: profile.business_name,
              defaultCountry: profile.default_country,
              timeZone: profile.time_zone,
              businessNumbers: parseJson(profile.business_numbers) as string[],
              quietHours: quietHoursOf(profile.quiet_hours),
              mediaRetentionDays: profile.media_retention_days,
            },
    };
  }
}
