import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_QUIET_HOURS, type QuietHours } from '../../../shared/consent';
import type {
  CampaignRecipientSnapshot,
  CampaignSnapshot,
} from '../../../shared/protocol/campaigns';
import type {
  Change,
  ConsentEntrySnapshot,
  ContactSnapshot,
  ConversationSnapshot,
  ListSnapshot,
  MessageSnapshot,
  TemplateSnapshot,
  TriggerSnapshot,
  UserSnapshot,
} from '../../../shared/protocol/entities';
import type { CacheIdentity } from './types';

/** Test helpers: snapshots with sensible defaults, and changes numbered in order. */

export const ME: CacheIdentity = {
  serverUrl: 'https://textdesk.test',
  accountId: 'account-1',
  userId: 'user-me',
};

const EPOCH = Date.parse('2026-03-02T09:00:00.000Z');

/** A time `minutes` after the tests' epoch, as the server writes times. */
export const minute = (minutes: number): string => new Date(EPOCH + minutes * 60_000).toISOString();

export const contact = (
  fields: Partial<ContactSnapshot> & { readonly id: string },
): ContactSnapshot => ({
  phone: `+1415555${fields.id.replace(/\D/gu, '').padStart(4, '0').slice(-4)}`,
  name: '',
  optedIn: true,
  blocked: false,
  optOut: null,
  lists: [],
  timeZone: null,
  updatedAt: minute(0),
  ...fields,
});

export const conversation = (
  fields: Partial<ConversationSnapshot> & { readonly id: string; readonly contactId: string },
): ConversationSnapshot => ({
  businessNumberId: 'number-1',
  status: 'open',
  assigneeId: null,
  lastActivityAt: minute(0),
  ...fields,
});

export const message = (
  fields: Partial<MessageSnapshot> & { readonly id: string; readonly conversationId: string },
): MessageSnapshot => ({
  direction: 'inbound',
  body: 'Hello',
  authorId: null,
  status: 'received',
  errorCode: null,
  errorMessage: null,
  possibleOptOut: false,
  triggerId: null,
  inReplyTo: null,
  sendAt: null,
  media: [],
  createdAt: minute(0),
  updatedAt: fields.createdAt ?? minute(0),
  ...fields,
});

export const user = (fields: Partial<UserSnapshot> & { readonly id: string }): UserSnapshot => ({
  email: `${fields.id}@example.com`,
  name: fields.id,
  role: 'agent',
  disabled: false,
  ...fields,
});

export const consent = (
  fields: Partial<ConsentEntrySnapshot> & { readonly contactId: string },
): ConsentEntrySnapshot => ({
  at: minute(0),
  change: 'opted-out',
  source: 'keyword',
  actor: null,
  text: 'STOP',
  word: 'STOP',
  listId: null,
  triggerId: null,
  carrierCode: null,
  ...fields,
});

export const list = (fields: Partial<ListSnapshot> & { readonly id: string }): ListSnapshot => ({
  name: fields.id,
  kind: 'other',
  ...fields,
});

export const trigger = (
  fields: Partial<TriggerSnapshot> & { readonly id: string },
): TriggerSnapshot => ({
  name: fields.id,
  keywords: [fields.id.toUpperCase()],
  reply: null,
  addToLists: [],
  removeFromLists: [],
  ...fields,
});

/** Numbers changes from `first` on, as the server's change log does. */
export class ChangeLog {
  #seq: number;
  readonly changes: Change[] = [];

  constructor(first = 1) {
    this.#seq = first - 1;
  }

  #add(change: Omit<Change, 'seq' | 'at'>): Change {
    this.#seq += 1;
    const numbered = { ...change, seq: this.#seq, at: minute(this.#seq) } as Change;
    this.changes.push(numbered);
    return numbered;
  }

  contact(fields: Parameters<typeof contact>[0]): Change {
    return this.#add({ type: 'contact.updated', data: contact(fields) });
  }

  conversation(fields: Parameters<typeof conversation>[0]): Change {
    return this.#add({ type: 'conversation.updated', data: conversation(fields) });
  }

  message(fields: Parameters<typeof message>[0], type: 'created' | 'updated' = 'created'): Change {
    return this.#add({ type: `message.${type}`, data: message(fields) });
  }

  read(conversationId: string, userId: string, readAt: string): Change {
    return this.#add({ type: 'conversation.read', data: { conversationId, userId, readAt } });
  }

  consent(fields: Parameters<typeof consent>[0]): Change {
    return this.#add({ type: 'consent.recorded', data: consent(fields) });
  }

  list(fields: Parameters<typeof list>[0]): Change {
    return this.#add({ type: 'list.updated', data: list(fields) });
  }

  listDeleted(id: string): Change {
    return this.#add({ type: 'list.deleted', data: { id } });
  }

  triggers(triggers: readonly TriggerSnapshot[]): Change {
    return this.#add({
      type: 'triggers.updated',
      data: { accountId: ME.accountId, triggers: [...triggers] },
    });
  }

  templates(templates: readonly TemplateSnapshot[]): Change {
    return this.#add({
      type: 'templates.updated',
      data: { accountId: ME.accountId, templates: [...templates] },
    });
  }

  profile(
    businessName: string,
    defaultCountry = 'US',
    more: {
      timeZone?: string | null;
      businessNumbers?: string[];
      quietHours?: QuietHours;
      mediaRetentionDays?: number | null;
    } = {},
  ): Change {
    return this.#add({
      type: 'account.updated',
      data: {
        accountId: ME.accountId,
        businessName,
        defaultCountry,
        timeZone: more.timeZone ?? null,
        businessNumbers: more.businessNumbers ?? [],
        quietHours: more.quietHours ?? DEFAULT_QUIET_HOURS,
        mediaRetentionDays: more.mediaRetentionDays ?? null,
      },
    });
  }

  user(fields: Parameters<typeof user>[0]): Change {
    return this.#add({ type: 'user.updated', data: user(fields) });
  }

  campaign(fields: Partial<CampaignSnapshot> & { readonly id: string }): Change {
    return this.#add({
      type: 'campaign.updated',
      data: {
        name: fields.id,
        listId: 'marketing',
        purpose: 'marketing',
        body: 'Sale! Reply STOP to opt out.',
        status: 'sending',
        createdAt: minute(0),
        createdBy: ME.userId,
        sendAt: null,
        counts: { recipients: 0, skipped: 0, waiting: 0, sent: 0, delivered: 0, failed: 0 },
        ...fields,
      },
    });
  }

  recipient(
    fields: Partial<CampaignRecipientSnapshot> & {
      readonly campaignId: string;
      readonly contactId: string;
    },
  ): Change {
    return this.#add({
      type: 'campaign.recipient',
      data: { status: 'waiting', reason: null, messageId: null, ...fields },
    });
  }

  /** A contact with one conversation, as the server logs a first text's arrival. */
  thread(
    id: number,
    fields: {
      readonly contact?: Partial<ContactSnapshot>;
      readonly conversation?: Partial<ConversationSnapshot>;
    } = {},
  ): { readonly contactId: string; readonly conversationId: string } {
    const contactId = `contact-${id}`;
    const conversationId = `conversation-${id}`;
    this.contact({ id: contactId, ...fields.contact });
    this.conversation({ id: conversationId, contactId, ...fields.conversation });
    return { contactId, conversationId };
  }
}

/** A fresh temporary folder per test, removed afterwards. */
export function temporaryFolder(): { readonly path: string; readonly remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'textdesk-cache-'));
  return {
    path,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
