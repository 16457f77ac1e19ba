import { z } from 'zod';
import { CAMPAIGN_PURPOSES } from '../campaigns';
import { CampaignSnapshotSchema } from '../protocol/campaigns';
import { CommandSchema } from '../protocol/commands';
import { ChangeSchema, UserSchema } from '../protocol/entities';
import type { Result } from '../result';
import { CampaignPreviewSchema, CampaignRecipientPageSchema } from './campaignViews';
import type { IpcEvent, IpcMethod } from './channels';
import { manageContract } from './manage';
import { mediaContract } from './media';
import {
  AccountViewSchema,
  CONVERSATION_FILTERS,
  ContactViewSchema,
  ConversationPageSchema,
  ConversationRowSchema,
  InboxCountsSchema,
  MessagePageSchema,
  PageCursorSchema,
  PresencePersonSchema,
  SearchHitSchema,
  SyncStatusSchema,
} from './views';

const id = z.string().min(1).max(200);

/** Who is signed in, where, and how the connection is. */
export const SessionViewSchema = z.object({
  /** `solo`: the backend runs inside the app; `team`: a server the team shares; `none`: signed out. */
  mode: z.enum(['solo', 'team', 'none']),
  serverUrl: z.string().nullable(),
  user: UserSchema.nullable(),
  /** The phone simulator page, in solo mode. */
  simulatorUrl: z.string().nullable(),
  sync: SyncStatusSchema,
});
export type SessionView = z.infer<typeof SessionViewSchema>;

/**
 * The renderer ↔ main contract: for each method, the schema its input is
 * parsed with in main (never trusted) and the shape of its answer.
 */
export const ipcContract = {
  'app.info': {
    input: z.undefined(),
    output: z.object({
      name: z.string(),
      version: z.string(),
      platform: z.string(),
      versions: z.object({ electron: z.string(), chrome: z.string(), node: z.string() }),
    }),
  },
  'consent.explain': {
    input: z.object({ text: z.string().max(1600, 'A text can be at most 1600 characters.') }),
    output: z.object({
      kind: z.enum(['opt-out', 'opt-in', 'trigger', 'message']),
      possibleOptOut: z.boolean(),
      summary: z.string(),
    }),
  },
  'session.get': { input: z.undefined(), output: SessionViewSchema },
  'session.signIn': {
    input: z.strictObject({
      serverUrl: z
        .url({
          protocol: /^https?$/u,
          error: 'Enter the server address, such as https://texts.example.com.',
        })
        .max(500),
      email: z.string().min(1, 'Enter your email.').max(320),
      password: z.string().min(1, 'Enter your password.').max(1000),
    }),
    output: SessionViewSchema,
  },
  'session.signOut': { input: z.undefined(), output: SessionViewSchema },
  'session.useSolo': { input: z.undefined(), output: SessionViewSchema },
  'inbox.conversations': {
    input: z.strictObject({
      filter: z.enum(CONVERSATION_FILTERS).optional(),
      listId: id.optional(),
      after: PageCursorSchema.optional(),
      limit: z.number().int().min(1).max(500).optional(),
    }),
    output: ConversationPageSchema,
  },
  /** One conversation's row, wherever it is in the lists (opened from search or a notification); null if unknown. */
  'inbox.conversation': {
    input: z.strictObject({ conversationId: id }),
    output: ConversationRowSchema.nullable(),
  },
  'inbox.counts': { input: z.undefined(), output: InboxCountsSchema },
  'inbox.messages': {
    input: z.strictObject({
      conversationId: id,
      before: z.strictObject({ createdAt: z.string().max(40), id }).optional(),
      limit: z.number().int().min(1).max(500).optional(),
    }),
    output: MessagePageSchema,
  },
  'inbox.contact': { input: z.strictObject({ contactId: id }), output: ContactViewSchema },
  'inbox.account': { input: z.undefined(), output: AccountViewSchema },
  'inbox.search': {
    input: z.strictObject({
      query: z.string().max(200, 'Search for at most 200 characters.'),
      limit: z.number().int().min(1).max(200).optional(),
    }),
    output: z.array(SearchHitSchema),
  },
  'commands.run': {
    input: z.strictObject({ command: CommandSchema }),
    output: z.discriminatedUnion('state', [
      /** The server did it; `value` is its answer (docs/protocol.md). */
      z.object({ state: z.literal('done'), value: z.unknown() }),
      /** Offline: kept in the outbox and sent when the connection is back. */
      z.object({ state: z.literal('queued'), key: z.string() }),
    ]),
  },
  'simulator.open': { input: z.undefined(), output: z.object({ url: z.string() }) },
  /**
   * What this person has open now (null: no conversation) and whether they
   * are typing in its composer; call it when either changes (keystrokes may
   * repeat typing: true, main sends a refresh at most every 2 s). Nothing is
   * sent while offline; the conversation is announced again on reconnect.
   */
  'presence.set': {
    input: z.strictObject({ conversationId: id.nullable(), typing: z.boolean() }),
    output: z.null(),
  },
  /** The account's campaigns, newest first; they change with `campaign.updated` in `data.changed`. */
  'campaigns.list': { input: z.undefined(), output: z.array(CampaignSnapshotSchema) },
  /** A campaign's recipients, a page at a time by contact id; they change with `campaign.recipient`. */
  'campaigns.recipients': {
    input: z.strictObject({
      campaignId: id,
      /** The last contactId of the page before. */
      after: id.optional(),
      limit: z.number().int().min(1).max(500).optional(),
    }),
    output: CampaignRecipientPageSchema,
  },
  /** Who a campaign to this list would reach now, and who would be skipped and why (counts only). */
  'campaigns.preview': {
    input: z.strictObject({ listId: id, purpose: z.enum(CAMPAIGN_PURPOSES) }),
    output: CampaignPreviewSchema,
  },
  ...manageContract,
  ...mediaContract,
} as const satisfies Record<IpcMethod, { input: z.ZodType; output: z.ZodType }>;

/** The payload of each event main pushes. */
export const ipcEventContract = {
  'sync.status': SyncStatusSchema,
  /** Changes just stored in the cache, in `seq` order. */
  'data.changed': z.array(ChangeSchema),
  /** A text this desktop held while offline and dropped, because the gate now refuses it. */
  'outbox.cancelled': z.object({
    key: z.string(),
    conversationId: z.string().nullable(),
    reason: z.string(),
  }),
  'session.changed': SessionViewSchema,
  /** The person clicked a notification: show this conversation. */
  'app.openConversation': z.object({ conversationId: z.string() }),
  /**
   * Everyone else (never the signed-in person) who has this conversation
   * open, and who of them is typing: the whole list, [] when nobody. Sent
   * when it changes, and when `presence.set` opens the conversation.
   * Typing lapses 6 s after its last refresh; losing the connection empties
   * every list.
   */
  'presence.changed': z.object({
    conversationId: z.string(),
    people: z.array(PresencePersonSchema),
  }),
} as const satisfies Record<IpcEvent, z.ZodType>;

export type IpcEventPayload<E extends IpcEvent> = z.output<(typeof ipcEventContract)[E]>;

export type IpcInput<M extends IpcMethod> = z.input<(typeof ipcContract)[M]['input']>;
export type IpcOutput<M extends IpcMethod> = z.output<(typeof ipcContract)[M]['output']>;
export type IpcResult<M extends IpcMethod> = Result<IpcOutput<M>>;

/** What main implements: one handler per method, given parsed input. */
export type IpcHandlers = {
  [M in IpcMethod]: (input: z.output<(typeof ipcContract)[M]['input']>) => Promise<IpcOutput<M>>;
};

type Namespace<M> = M extends `${infer N}.${string}` ? N : never;
type MethodName<M, N extends string> = M extends `${N}.${infer Name}` ? Name : never;

/** One call as the renderer sees it: no argument when the input is empty. */
type Call<M extends IpcMethod> =
  IpcInput<M> extends undefined
    ? () => Promise<IpcResult<M>>
    : (input: IpcInput<M>) => Promise<IpcResult<M>>;

/** Subscribes to one event; returns the function that unsubscribes. */
export type Subscribe = <E extends IpcEvent>(
  event: E,
  listener: (payload: IpcEventPayload<E>) => void,
) => () => void;

/**
 * `window.textdesk`: one object per namespace, one function per method,
 * so "consent.explain" is `window.textdesk.consent.explain({ text })`, and
 * `on(event, listener)` for what main pushes.
 */
export type TextdeskApi = {
  readonly [N in Namespace<IpcMethod>]: {
    readonly [Name in MethodName<IpcMethod, N>]: Call<`${N}.${Name}` & IpcMethod>;
  };
} & { readonly on: Subscribe };
