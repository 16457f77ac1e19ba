/** Domain types of the consent engine (product.md, R1–R12). Plain data only. */

/** An Intelligent Response trigger as the classifier sees it (R5). */
export interface Trigger {
  readonly id: string;
  readonly keywords: readonly string[];
}

/** A list's id, as the account stores it. */
export type ListId = string;

/** A trigger with what it does: the reply and the list actions. */
export interface TriggerRule extends Trigger {
  readonly name: string;
  /** Sent at most once per inbound text; null for no reply. */
  readonly reply: string | null;
  readonly removeFromLists: readonly ListId[];
  readonly addToLists: readonly ListId[];
}

/** The account defaults when no triggers are configured. */
export const DEFAULT_TRIGGERS: readonly Trigger[] = [
  { id: 'help', keywords: ['HELP', 'INFO'] },
  { id: 'optout', keywords: ['OPTOUT'] },
];

export type Role = 'agent' | 'supervisor' | 'admin';

/** A person using Textdesk. */
export interface UserActor {
  readonly kind: 'user';
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

/** Who or what caused a consent change. */
export type Actor =
  | UserActor
  | { readonly kind: 'contact' }
  | { readonly kind: 'carrier' }
  | { readonly kind: 'system' };

/** Why a contact is opted out; the `source` of the opt-out webhook (R10). */
export type OptOutSource = 'keyword' | 'link' | 'carrier' | 'manual' | 'blocked' | 'import';

/** Why a contact is opted in. */
export type OptInSource = 'inbound' | 'keyword' | 'manual';

/** Who changed a list membership. */
export type ListChangeSource = 'manual' | 'trigger' | 'import';

/**
 * How a contact came to be (R12), the `source` of the first entry of its
 * history: their first text to us, an import, a person texting a new number
 * from the app, or an integration doing so through the REST API. (Campaigns
 * go to lists, whose members exist already: a campaign makes no contact.)
 */
export type CreationSource = 'inbound' | 'import' | 'send' | 'api';

/** A contact stored for the first time, and who did it when a person did. */
export type ContactCreation =
  | { readonly source: 'inbound' }
  | { readonly source: 'import' | 'send' | 'api'; readonly by: UserActor };

/** The opt-out in force: what the send gate tells a person. */
export interface OptOutRecord {
  readonly at: string;
  readonly source: OptOutSource;
  /** The opt-out word in capitals, for `keyword`; absent for a request in words. */
  readonly word?: string;
  /** The customer's text, or the note of the person who opted them out. */
  readonly text?: string;
  /** The person, for `manual`, `blocked` and `import`. */
  readonly by?: string;
  /** The carrier's error code, for `carrier`. */
  readonly carrierCode?: string;
}

/**
 * One contact's consent. `optedIn` is true exactly when `optOut` is null; a
 * blocked contact is never opted in. `lists` is sorted and has no repeats.
 */
export interface ConsentState {
  readonly optedIn: boolean;
  readonly blocked: boolean;
  readonly lists: readonly ListId[];
  readonly optOut: OptOutRecord | null;
}

/** A contact we have heard nothing against: we may text them. */
export const INITIAL_CONSENT: ConsentState = {
  optedIn: true,
  blocked: false,
  lists: [],
  optOut: null,
};

/** One thing that happens to a contact's consent. */
export type ConsentEvent =
  | { readonly type: 'inbound'; readonly body: string; readonly messageId: string }
  | {
      /** The carrier refused a text because the recipient opted out with it (R9). */
      readonly type: 'carrier-refusal';
      readonly code: string;
      readonly messageId?: string;
    }
  | { readonly type: 'opt-out-link' }
  | { readonly type: 'block'; readonly by: UserActor; readonly note?: string }
  | { readonly type: 'unblock'; readonly by: UserActor; readonly note?: string }
  | { readonly type: 'manual-opt-in'; readonly by: UserActor; readonly note: string }
  | { readonly type: 'manual-opt-out'; readonly by: UserActor; readonly note?: string }
  | {
      readonly type: 'list-toggle';
      readonly by: UserActor;
      readonly listId: ListId;
      readonly member: boolean;
    }
  | {
      /** One row of a CSV import (R11). */
      readonly type: 'import-row';
      readonly by: UserActor;
      /** The row's opted-in column; undefined when the file has none. */
      readonly optedIn?: boolean;
      readonly lists: readonly ListId[];
      /** The import goes into the *Opt-Out List*: every row opts out. */
      readonly intoOptOutList: boolean;
    }
  | { readonly type: 'trigger-fired'; readonly triggerId: string; readonly messageId: string };

export type ConsentChange =
  'created' | 'opted-out' | 'opted-in' | 'blocked' | 'unblocked' | 'list-added' | 'list-removed';

/** One entry of the append-only consent history (R12). */
export type ConsentHistoryEntry = {
  readonly at: string;
  readonly actor: Actor;
  /** The customer's text, or the person's note. */
  readonly text?: string;
} & (
  | {
      /** The first entry of every contact's history, and only that: how they came to be. */
      readonly change: 'created';
      readonly source: CreationSource;
    }
  | {
      readonly change: 'opted-out';
      readonly source: OptOutSource;
      readonly word?: string;
      readonly carrierCode?: string;
    }
  | { readonly change: 'opted-in'; readonly source: OptInSource; readonly word?: string }
  | { readonly change: 'blocked' | 'unblocked' }
  | {
      readonly change: 'list-added' | 'list-removed';
      readonly source: ListChangeSource;
      readonly listId: ListId;
      readonly triggerId?: string;
    }
);

/** Work the caller must do after an event: the reducer itself does no I/O. */
export type ConsentEffect =
  | {
      /** Send a trigger's reply; `inReplyTo` makes it at most once per inbound text. */
      readonly type: 'reply';
      readonly triggerId: string;
      readonly body: string;
      readonly inReplyTo: string;
    }
  | {
      /** POST the opt-out webhook (R10). */
      readonly type: 'opt-out-webhook';
      readonly timestamp: string;
      readonly source: OptOutSource;
    }
  | {
      readonly type: 'lists';
      readonly add: readonly ListId[];
      readonly remove: readonly ListId[];
    }
  | {
      /** Keep the text for the audit trail, out of the inbox (R3). */
      readonly type: 'quarantine';
      readonly messageId: string;
    }
  | {
      /** A note the agent must see in the conversation. */
      readonly type: 'notice';
      readonly text: string;
    };

/** What the consent engine needs besides the contact and the event. */
export interface ConsentContext {
  /** ISO 8601; the engine has no clock of its own. */
  readonly now: string;
  readonly triggers: readonly TriggerRule[];
}

export interface ConsentOutcome {
  readonly state: ConsentState;
  readonly history: readonly ConsentHistoryEntry[];
  readonly effects: readonly ConsentEffect[];
}

export interface ConsentRefusal {
  readonly code: 'not-allowed' | 'unblock-first' | 'note-required' | 'unknown-trigger';
  readonly message: string;
}
