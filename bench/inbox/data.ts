/**
 * The inbox bench's account, made the same way on every run: 100,000
 * conversations newest first, a team of five, and the texts that arrive
 * while the list is on screen.
 */
import { DEFAULT_QUIET_HOURS } from '../../shared/consent';
import type { AccountView, ConversationRow, SessionView } from '../../shared/ipc';

export const TEAM = [
  { id: 'user-me', name: 'Sam Rivera', role: 'agent' },
  { id: 'user-ann', name: 'Ann Lee', role: 'agent' },
  { id: 'user-raj', name: 'Raj Patel', role: 'supervisor' },
  { id: 'user-kim', name: 'Kim Ortiz', role: 'agent' },
  { id: 'user-lee', name: 'Lee Chen', role: 'admin' },
] as const;

export const SESSION: SessionView = {
  mode: 'team',
  serverUrl: 'https://textdesk.bench',
  user: {
    id: 'user-me',
    email: 'sam@textdesk.bench',
    name: 'Sam Rivera',
    role: 'agent',
    disabled: false,
  },
  simulatorUrl: null,
  sync: { state: 'live', queued: 0 },
};

/** A US account: numbers without a name show in the national style, as most would. */
const PROFILE = {
  businessName: 'Bench Dental',
  defaultCountry: 'US',
  timeZone: null,
  businessNumbers: ['+12015550100'],
  quietHours: DEFAULT_QUIET_HOURS,
};

export const ACCOUNT: AccountView = {
  lists: [],
  triggers: [],
  users: TEAM.map((user) => ({
    ...user,
    email: `${user.id}@textdesk.bench`,
    disabled: false,
  })),
  templates: [],
  profile: PROFILE,
};

/** A small deterministic random source (mulberry32). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FIRST = ['Ada', 'Bob', 'María', 'John', 'Priya', 'Chen', 'Olga', 'Tom', 'Zoë', 'Amir'];
const LAST = ['Smith', 'García', 'Nguyen', 'Okafor', 'Müller', 'Rossi', 'Kim', 'Haddad'];
const BODIES = [
  'Can I move my appointment to Thursday?',
  'Thanks, see you soon',
  'Is the order ready for pickup? I was told it would be in by Monday but nobody called.',
  'STOP',
  'yes',
  'What time do you open tomorrow morning? 🙂',
  'Running 10 minutes late, sorry!',
  'Could you send me the invoice again please, the link in the last text did not open on my phone',
];

const pick = <T>(items: readonly T[], next: () => number): T =>
  items[Math.floor(next() * items.length)] as T;

/** Conversation ids sort like the server's: time first. */
export const conversationId = (index: number) => `conversation-${String(index).padStart(6, '0')}`;

/** Rows newest first, spread over the last half year: times, weekdays and dates in the list. */
export function makeRows(count: number, now: number): ConversationRow[] {
  const next = random(42);
  const step = (183 * 86_400_000) / count;
  const rows: ConversationRow[] = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(now - 60_000 - i * step).toISOString();
    const roll = next();
    const direction = roll < 0.6 ? 'inbound' : roll < 0.95 ? 'outbound' : 'note';
    rows.push({
      id: conversationId(i),
      contactId: `contact-${String(i).padStart(6, '0')}`,
      // A quarter have no name: the list shows their number, formatted.
      name: next() < 0.25 ? '' : `${pick(FIRST, next)} ${pick(LAST, next)}`,
      phone: `+1201${String(5_000_000 + i).padStart(7, '0')}`,
      status: next() < 0.1 ? 'closed' : 'open',
      assigneeId: next() < 0.5 ? null : pick(TEAM, next).id,
      lastActivityAt: at,
      lastMessage:
        next() < 0.02
          ? null
          : {
              body: pick(BODIES, next),
              direction,
              status: direction === 'inbound' ? 'received' : 'delivered',
              at,
            },
      unread: direction === 'inbound' && next() < 0.3 ? 1 + Math.floor(next() * 4) : 0,
      optedIn: next() > 0.05,
      blocked: next() < 0.01,
    });
  }
  return rows;
}

/** A text that just arrived in a row's conversation: what the row shows changes, and it goes to the top. */
export function withText(row: ConversationRow, body: string, at: string): ConversationRow {
  return {
    ...row,
    lastActivityAt: at,
    lastMessage: { body, direction: 'inbound', status: 'received', at },
    unread: row.unread + 1,
  };
}

export const textBody = (serial: number) =>
  `${BODIES[serial % BODIES.length] ?? ''} (#${String(serial)})`;
