import {
  CAMPAIGN_SKIPS,
  type CampaignPurpose,
  type CampaignSkip,
  skipLabel,
  skipOf,
} from '../../../shared/campaigns';
import { CONVERSATION_WINDOW_MS, sendGate } from '../../../shared/consent';
import type { CampaignPreview, CampaignRecipientPage } from '../../../shared/ipc/campaignViews';
import type {
  CampaignRecipientSnapshot,
  CampaignSnapshot,
} from '../../../shared/protocol/campaigns';
import type { Database } from './migrations';
import { CONTACT_COLUMNS, type ContactRecord, contactSnapshot, parseJson } from './rows';

export interface CampaignRecipientQuery {
  readonly campaignId: string;
  /** The last contact id of the page before. */
  readonly after?: string | undefined;
  readonly limit: number;
}

export interface CampaignPreviewQuery {
  readonly listId: string;
  readonly purpose: CampaignPurpose;
  /** When it would go (ISO 8601), for who texted in the last 24 hours; now unless given. */
  readonly at?: string | undefined;
}

/** A recipient quiet hours may hold: what says where they are. */
export interface QuietCandidate {
  readonly phone: string;
  /** The contact's own zone, when a person set one. */
  readonly timeZone: string | null;
}

/**
 * The preview as the cache can work it out: the gate's counts, and those
 * who would receive it without having texted in the last 24 hours (quiet
 * hours may hold them; their zones are looked up outside the cache).
 */
export type CampaignGatePreview = Omit<CampaignPreview, 'quiet'> & {
  readonly mayWait: readonly QuietCandidate[];
};

/**
 * Campaigns as the desktop keeps them: each one's latest snapshot, and one
 * row per recipient. The preview runs the send gate over the list's members
 * in the cache, as the server will when the campaign starts.
 */
export class CampaignStore {
  private readonly statements;

  constructor(db: Database) {
    this.statements = {
      upsert: db.prepare<[string, string, string]>(
        `INSERT INTO campaigns (id, created_at, snapshot) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, snapshot = excluded.snapshot`,
      ),
      upsertRecipient: db.prepare<[string, string, string, string | null, string | null]>(
        `INSERT INTO campaign_recipients (campaign_id, contact_id, status, reason, message_id)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (campaign_id, contact_id) DO UPDATE SET status = excluded.status,
           reason = excluded.reason, message_id = excluded.message_id`,
      ),
      list: db.prepare<[], { snapshot: string }>(
        'SELECT snapshot FROM campaigns ORDER BY created_at DESC, id DESC',
      ),
      recipients: db.prepare<
        [string, string, number],
        { contact_id: string; name: string; phone: string; status: string; reason: string | null }
      >(
        `SELECT r.contact_id, coalesce(c.name, '') AS name, coalesce(c.phone, '') AS phone,
           r.status, r.reason
         FROM campaign_recipients r LEFT JOIN contacts c ON c.id = r.contact_id
         WHERE r.campaign_id = ? AND r.contact_id > ?
         ORDER BY r.contact_id LIMIT ?`,
      ),
      lists: db.prepare<[], { id: string; name: string; kind: string }>(
        'SELECT id, name, kind FROM lists ORDER BY name COLLATE NOCASE, id',
      ),
      // With whether they texted since the time given: a reply to them is not held by quiet hours.
      members: db.prepare<[string, string], ContactRecord & { texted_since: number }>(
        `SELECT ${CONTACT_COLUMNS.split(', ')
          .map((column) => `c.${column}`)
          .join(', ')},
           EXISTS (SELECT 1 FROM conversations v JOIN messages m ON m.conversation_id = v.id
             WHERE v.contact_id = c.id AND m.direction = 'inbound' AND m.created_at > ?
           ) AS texted_since
         FROM contact_lists l JOIN contacts c ON c.id = l.contact_id WHERE l.list_id = ?`,
      ),
    };
  }

  applyCampaign(campaign: CampaignSnapshot): void {
    this.statements.upsert.run(campaign.id, campaign.createdAt, JSON.stringify(campaign));
  }

  applyRecipient(recipient: CampaignRecipientSnapshot): void {
    this.statements.upsertRecipient.run(
      recipient.campaignId,
      recipient.contactId,
      recipient.status,
      recipient.reason,
      recipient.messageId,
    );
  }

  /** Newest first. */
  list(): CampaignSnapshot[] {
    return this.statements.list.all().map((row) => parseJson(row.snapshot) as CampaignSnapshot);
  }

  recipients(query: CampaignRecipientQuery): CampaignRecipientPage {
    // One more than asked: whether another page follows.
    const rows = this.statements.recipients.all(
      query.campaignId,
      query.after ?? '',
      query.limit + 1,
    );
    const page = rows.slice(0, query.limit).map((row) => ({
      contactId: row.contact_id,
      name: row.name,
      phone: row.phone,
      status: row.status as CampaignRecipientPage['rows'][number]['status'],
      reason: row.reason,
    }));
    return {
      rows: page,
      next: rows.length > query.limit ? (page.at(-1)?.contactId ?? null) : null,
    };
  }

  /**
   * Who a campaign to the list would reach, by the gate the server runs
   * (blocked, opted out, then for marketing the suppression lists), from
   * what this desktop has synced. Counts, and for quiet hours the numbers
   * and zones of those not in a conversation: no names leave it.
   */
  preview(query: CampaignPreviewQuery): CampaignGatePreview {
    const lists = this.statements.lists.all();
    const suppressionLists = lists
      .filter((list) => list.kind === 'marketing-opt-out')
      .map((list) => ({ id: list.id, name: list.name }));
    const listName = lists.find((list) => list.id === query.listId)?.name;
    const send = {
      kind: 'campaign',
      listId: query.listId,
      ...(listName !== undefined && { listName }),
      purpose: query.purpose,
      suppressionLists,
    } as const;
    const at = query.at === undefined ? Date.now() : Date.parse(query.at);
    const conversationSince = new Date(at - CONVERSATION_WINDOW_MS).toISOString();
    const skipped = new Map<CampaignSkip, number>();
    const mayWait: QuietCandidate[] = [];
    let willReceive = 0;
    for (const row of this.statements.members.iterate(conversationSince, query.listId)) {
      const gate = sendGate(contactSnapshot(row), send);
      if (gate.allowed) {
        willReceive += 1;
        if (row.texted_since === 0) {
          mayWait.push({ phone: row.phone, timeZone: row.time_zone });
        }
        continue;
      }
      const skip = skipOf(gate.code);
      if (skip !== null) skipped.set(skip, (skipped.get(skip) ?? 0) + 1);
    }
    return {
      willReceive,
      skipped: CAMPAIGN_SKIPS.flatMap((reason) => {
        const count = skipped.get(reason) ?? 0;
        return count === 0
          ? []
          : [{ reason, label: skipLabel(reason, suppressionLists[0]?.name), count }];
      }),
      mayWait,
    };
  }
}
