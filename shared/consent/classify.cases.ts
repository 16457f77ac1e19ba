/**
 * How inbound texts must be read, as a table (product.md, R1, R2, R5 and
 * "Reading an inbound text"). The expectations come from the product rules,
 * not from what the classifier happens to do: a case the classifier gets
 * wrong stays in the table with `known` saying why, until the code is fixed.
 */
import type { Trigger } from './types';

/**
 * - `opt-out`: R1, the contact is opted out of everything.
 * - `opt-in`: START or UNSTOP.
 * - `message`: an ordinary text for the inbox, not flagged.
 * - `possible-opt-out`: an ordinary text flagged for the agent to confirm.
 * - `{ trigger }`: the whole text is a keyword of that trigger (R5).
 */
export type ExpectedReading =
  'opt-out' | 'opt-in' | 'message' | 'possible-opt-out' | { readonly trigger: string };

export interface ClassifyCase {
  readonly text: string;
  readonly expect: ExpectedReading;
  /** For opt-out and opt-in keywords: the word recorded in the history, in capitals. */
  readonly word?: string;
  /** The account's triggers; the defaults (`help`, `optout`) when absent. */
  readonly triggers?: readonly Trigger[];
  readonly note?: string;
  /** The classifier gets this case wrong today: why, and what to change. */
  readonly known?: string;
}

/** A custom account: no `help` or `optout` trigger, one `hours` trigger. */
export const HOURS_TRIGGERS: readonly Trigger[] = [
  { id: 'hours', keywords: ['HOURS', 'opening times'] },
];

/** An account with a trigger whose keyword contains an opt-out word inside a phrase. */
export const SALE_TRIGGERS: readonly Trigger[] = [
  { id: 'sale', keywords: ['END OF SEASON SALE'] },
  { id: 'help', keywords: ['HELP'] },
];

/** An account whose triggers were saved without the keyword check (old data, an import). */
export const CLASHING_TRIGGERS: readonly Trigger[] = [
  { id: 'clash', keywords: ['STOP', 'UNSUBSCRIBE', 'stop texting me', 'Cancel'] },
  { id: 'help', keywords: ['HELP', 'INFO'] },
];

const ZWSP = '\u200B';
const ZWNJ = '\u200C';
const ZWJ = '\u200D';
const WORD_JOINER = '\u2060';
const BOM = '\uFEFF';
const LRM = '\u200E';
const SOFT_HYPHEN = '\u00AD';

const OPT_OUT_KEYWORDS: readonly ClassifyCase[] = [
  // Each R1 word alone.
  { text: 'STOP', expect: 'opt-out', word: 'STOP' },
  { text: 'STOPALL', expect: 'opt-out', word: 'STOPALL' },
  { text: 'STOP ALL', expect: 'opt-out', word: 'STOP ALL' },
  { text: 'UNSUBSCRIBE', expect: 'opt-out', word: 'UNSUBSCRIBE' },
  { text: 'CANCEL', expect: 'opt-out', word: 'CANCEL' },
  { text: 'END', expect: 'opt-out', word: 'END' },
  { text: 'QUIT', expect: 'opt-out', word: 'QUIT' },
  { text: 'REVOKE', expect: 'opt-out', word: 'REVOKE' },
  { text: 'OPT OUT', expect: 'opt-out', word: 'OPT OUT' },
  { text: 'OPT-OUT', expect: 'opt-out', word: 'OPT OUT', note: 'the hyphen is not a word' },
  { text: 'ARRET', expect: 'opt-out', word: 'ARRET', note: 'Canada' },
  { text: 'ARRÊT', expect: 'opt-out', word: 'ARRET', note: 'accents are ignored' },
  {
    text: 'OPTOUT',
    expect: 'opt-out',
    word: 'OPTOUT',
    triggers: [],
    note: 'with no optout trigger, OPTOUT is an opt-out word',
  },
  {
    text: 'optout',
    expect: 'opt-out',
    word: 'OPTOUT',
    triggers: HOURS_TRIGGERS,
    note: 'the account deleted its optout trigger',
  },

  // Any case.
  { text: 'stop', expect: 'opt-out', word: 'STOP' },
  { text: 'Stop', expect: 'opt-out', word: 'STOP' },
  { text: 'sToP', expect: 'opt-out', word: 'STOP' },
  { text: 'UnSuBsCrIbE', expect: 'opt-out', word: 'UNSUBSCRIBE' },
  { text: 'cancel', expect: 'opt-out', word: 'CANCEL' },
  { text: 'End', expect: 'opt-out', word: 'END' },
  { text: 'quit', expect: 'opt-out', word: 'QUIT' },
  { text: 'Revoke', expect: 'opt-out', word: 'REVOKE' },
  { text: 'opt out', expect: 'opt-out', word: 'OPT OUT' },
  { text: 'Opt-Out', expect: 'opt-out', word: 'OPT OUT' },
  { text: 'stopall', expect: 'opt-out', word: 'STOPALL' },
  { text: 'Stop All', expect: 'opt-out', word: 'STOP ALL' },
  { text: 'arrêt', expect: 'opt-out', word: 'ARRET' },
  { text: 'Arrêt', expect: 'opt-out', word: 'ARRET' },

  // Repeated.
  { text: 'STOP STOP', expect: 'opt-out', word: 'STOP' },
  { text: 'stop stop stop', expect: 'opt-out', word: 'STOP' },
  { text: 'STOP, STOP!', expect: 'opt-out', word: 'STOP' },
  { text: 'STOP!!! STOP!!! STOP!!!', expect: 'opt-out', word: 'STOP' },
  { text: 'quit quit', expect: 'opt-out', word: 'QUIT' },
  { text: 'END END END', expect: 'opt-out', word: 'END' },
  { text: 'unsubscribe unsubscribe', expect: 'opt-out', word: 'UNSUBSCRIBE' },
  { text: 'Stop. Unsubscribe.', expect: 'opt-out', word: 'STOP', note: 'two opt-out words' },
  { text: 'stop, cancel, unsubscribe', expect: 'opt-out', word: 'STOP' },
  { text: 'STOP\nSTOP', expect: 'opt-out', word: 'STOP' },
  { text: 'STOP '.repeat(20), expect: 'opt-out', word: 'STOP', note: 'twenty times' },

  // With filler.
  { text: 'STOP please', expect: 'opt-out', word: 'STOP' },
  { text: 'please stop', expect: 'opt-out', word: 'STOP' },
  { text: 'Please STOP!', expect: 'opt-out', word: 'STOP' },
  { text: 'stop now', expect: 'opt-out', word: 'STOP' },
  { text: 'STOP NOW!!!', expect: 'opt-out', word: 'STOP' },
  { text: 'stop thanks', expect: 'opt-out', word: 'STOP' },
  { text: 'Stop, thank you.', expect: 'opt-out', word: 'STOP' },
  { text: 'Thank you, unsubscribe', expect: 'opt-out', word: 'UNSUBSCRIBE' },
  { text: 'stop it', expect: 'opt-out', word: 'STOP' },
  { text: 'Stop it!', expect: 'opt-out', word: 'STOP' },
  { text: 'stop it now please', expect: 'opt-out', word: 'STOP' },
  { text: 'Cancel please', expect: 'opt-out', word: 'CANCEL' },
  { text: 'cancel it', expect: 'opt-out', word: 'CANCEL' },
  { text: 'cancel all', expect: 'opt-out', word: 'CANCEL' },
  { text: 'End it now', expect: 'opt-out', word: 'END' },
  { text: 'quit it', expect: 'opt-out', word: 'QUIT' },
  { text: 'revoke all, thanks', expect: 'opt-out', word: 'REVOKE' },
  { text: 'Unsubscribe all', expect: 'opt-out', word: 'UNSUBSCRIBE' },
  { text: 'unsubscribe please thank you', expect: 'opt-out', word: 'UNSUBSCRIBE' },
  { text: 'stop all please', expect: 'opt-out', word: 'STOP ALL' },
  { text: 'Opt out please', expect: 'opt-out', word: 'OPT OUT' },
  { text: 'opt-out now', expect: 'opt-out', word: 'OPT OUT' },
  {
    text: 'Arrêt, merci',
    expect: 'opt-out',
    word: 'ARRET',
    note: '"merci" is "thanks" to the people who text ARRET',
  },
  { text: 'pls stop', expect: 'opt-out', word: 'STOP', note: 'txt-speak please' },
  { text: 'stop thx', expect: 'opt-out', word: 'STOP', note: 'txt-speak thanks' },

  // Fullwidth and styled letters (NFKC).
  { text: 'ＳＴＯＰ', expect: 'opt-out', word: 'STOP' },
  { text: 'ｓｔｏｐ', expect: 'opt-out', word: 'STOP' },
  { text: 'ＳＴＯＰ　ＡＬＬ', expect: 'opt-out', word: 'STOP ALL', note: 'ideographic space' },
  { text: 'ＵＮＳＵＢＳＣＲＩＢＥ！', expect: 'opt-out', word: 'UNSUBSCRIBE' },
  { text: '𝐒𝐓𝐎𝐏', expect: 'opt-out', word: 'STOP', note: 'mathematical bold letters' },
  { text: '𝘴𝘵𝘰𝘱', expect: 'opt-out', word: 'STOP', note: 'mathematical italic letters' },

  // Invisible characters.
  { text: `ST${ZWSP}OP`, expect: 'opt-out', word: 'STOP', note: 'zero-width space inside' },
  { text: `${BOM}STOP`, expect: 'opt-out', word: 'STOP', note: 'byte order mark' },
  { text: `S${ZWJ}T${ZWNJ}O${ZWSP}P`, expect: 'opt-out', word: 'STOP', note: 'joiners' },
  { text: `STOP${WORD_JOINER}`, expect: 'opt-out', word: 'STOP' },
  { text: `${LRM}stop${LRM}`, expect: 'opt-out', word: 'STOP', note: 'bidi marks' },
  { text: `UN${SOFT_HYPHEN}SUB${SOFT_HYPHEN}SCRIBE`, expect: 'opt-out', word: 'UNSUBSCRIBE' },
  { text: `C${ZWSP}A${ZWSP}N${ZWSP}C${ZWSP}E${ZWSP}L`, expect: 'opt-out', word: 'CANCEL' },

  // Punctuation, emoji and white space at the ends.
  { text: 'STOP.', expect: 'opt-out', word: 'STOP' },
  { text: 'stop!!!', expect: 'opt-out', word: 'STOP' },
  { text: 'STOP?', expect: 'opt-out', word: 'STOP', note: 'end punctuation is trimmed' },
  { text: '...stop...', expect: 'opt-out', word: 'STOP' },
  { text: '"STOP"', expect: 'opt-out', word: 'STOP' },
  { text: '“Stop”', expect: 'opt-out', word: 'STOP' },
  { text: '(stop)', expect: 'opt-out', word: 'STOP' },
  { text: '¡STOP!', expect: 'opt-out', word: 'STOP' },
  { text: 'STOP 🛑', expect: 'opt-out', word: 'STOP' },
  { text: '🛑🛑 STOP 🛑🛑', expect: 'opt-out', word: 'STOP' },
  { text: 'STOP!!! 😡😡', expect: 'opt-out', word: 'STOP' },
  { text: 'stop 👎🏽', expect: 'opt-out', word: 'STOP', note: 'emoji with skin tone' },
  { text: 'Unsubscribe 🙏', expect: 'opt-out', word: 'UNSUBSCRIBE' },
  { text: '❌ END ❌', expect: 'opt-out', word: 'END' },
  { text: 'STOP‼️', expect: 'opt-out', word: 'STOP', note: 'emoji presentation selector' },
  { text: '  \t STOP \n', expect: 'opt-out', word: 'STOP' },
  { text: 'stop。', expect: 'opt-out', word: 'STOP', note: 'ideographic full stop' },
  { text: '** QUIT **', expect: 'opt-out', word: 'QUIT' },
  { text: '-- opt out --', expect: 'opt-out', word: 'OPT OUT' },
  { text: 'STOP™', expect: 'opt-out', word: 'STOP', note: 'a trailing symbol, not the letters TM' },
  { text: 'ok stop', expect: 'opt-out', word: 'STOP' },
  { text: 'just stop', expect: 'opt-out', word: 'STOP' },
  { text: 'hi stop', expect: 'opt-out', word: 'STOP' },
  { text: 'Sorry, stop', expect: 'opt-out', word: 'STOP' },
  { text: 'Do not send me texts', expect: 'opt-out' },
  { text: "Don't send me any more messages", expect: 'opt-out' },
  { text: "Don't send me texts anymore", expect: 'opt-out' },
  { text: 'I no longer want to receive texts', expect: 'opt-out' },
  { text: 'cease and desist', expect: 'opt-out' },
  { text: 'remove me from this', expect: 'opt-out' },
  { text: 'Stop sending messages to this number', expect: 'opt-out' },
  { text: 'stop sending texts to me', expect: 'opt-out' },
  { text: 'STOP STOP TEXTING', expect: 'opt-out', note: 'opt-out words beside a request' },
  { text: 'STOP! Stop texting me!', expect: 'opt-out' },
  {
    text: 'Please stop texting me. Remove me from your list.',
    expect: 'opt-out',
    note: 'every sentence is a request to stop',
  },
];

const OPT_OUT_REQUESTS: readonly ClassifyCase[] = [
  // The examples of product.md.
  { text: 'stop texting me', expect: 'opt-out' },
  { text: 'please stop messaging me', expect: 'opt-out' },
  { text: 'unsubscribe me', expect: 'opt-out' },
  { text: 'remove me from your list', expect: 'opt-out' },
  { text: 'take me off this list', expect: 'opt-out' },
  { text: "don't text me anymore", expect: 'opt-out' },
  { text: 'no more texts', expect: 'opt-out' },

  // The same requests, written as people write them.
  { text: 'Stop texting me!!!', expect: 'opt-out' },
  { text: 'STOP TEXTING ME', expect: 'opt-out' },
  { text: 'Stop texting me please', expect: 'opt-out' },
  { text: 'Please stop messaging me.', expect: 'opt-out' },
  { text: 'stop\ntexting\nme', expect: 'opt-out', note: 'line breaks between the words' },
  { text: 'stop txting me', expect: 'opt-out', note: 'txt-speak' },
  { text: 'pls stop txting me', expect: 'opt-out' },
  { text: 'Stop texting me 🙏', expect: 'opt-out' },
  { text: 'stop sending me texts', expect: 'opt-out' },
  { text: 'Stop spamming me', expect: 'opt-out' },
  { text: 'Unsubscribe me please', expect: 'opt-out' },
  { text: 'unsubscribe me from this list', expect: 'opt-out' },
  { text: 'Please remove me from your list, thank you', expect: 'opt-out' },
  { text: 'Remove me', expect: 'opt-out' },
  { text: 'remove me from the list.', expect: 'opt-out' },
  { text: 'Take me off your list please', expect: 'opt-out' },
  { text: 'take me off the list', expect: 'opt-out' },
  { text: 'Don’t text me anymore', expect: 'opt-out', note: 'curly apostrophe' },
  { text: 'dont text me anymore', expect: 'opt-out' },
  { text: 'Do not text me', expect: 'opt-out' },
  { text: 'do not contact me', expect: 'opt-out' },
  { text: 'Never text me again', expect: 'opt-out' },
  { text: "don't message me anymore", expect: 'opt-out' },
  { text: 'No more texts please', expect: 'opt-out' },
  { text: 'no more messages', expect: 'opt-out' },
  { text: 'NO MORE TXTS', expect: 'opt-out' },
  { text: 'I want to unsubscribe', expect: 'opt-out' },
  { text: "I'd like to opt out", expect: 'opt-out' },
  { text: 'opt me out', expect: 'opt-out' },
  { text: 'stop the texts', expect: 'opt-out' },
  { text: 'Stop all messages', expect: 'opt-out' },
  { text: 'ＳＴＯＰ ＴＥＸＴＩＮＧ ＭＥ', expect: 'opt-out', note: 'fullwidth' },
  { text: `stop${ZWSP} texting me`, expect: 'opt-out' },
  { text: 'Hi, stop texting me', expect: 'opt-out' },
  { text: 'Remove my number', expect: 'opt-out' },
  { text: 'Stop sending', expect: 'opt-out' },

  // Plain requests the patterns miss.
  {
    text: 'Cancel texts',
    expect: 'opt-out',
  },
  {
    text: 'cancel all messages',
    expect: 'opt-out',
  },
  {
    text: 'Unsubscribe from texts',
    expect: 'opt-out',
  },
  {
    text: 'Remove me from texts',
    expect: 'opt-out',
  },
  {
    text: 'remove me from list',
    expect: 'opt-out',
    note: 'txt style, no article',
  },
  {
    text: 'Opt out of texts',
    expect: 'opt-out',
  },
  {
    text: 'do not text',
    expect: 'opt-out',
  },
  {
    text: 'No texts please',
    expect: 'opt-out',
  },
  {
    text: "I don't want these texts anymore",
    expect: 'opt-out',
  },
];

const OPT_IN: readonly ClassifyCase[] = [
  { text: 'START', expect: 'opt-in', word: 'START' },
  { text: 'start', expect: 'opt-in', word: 'START' },
  { text: 'Start!', expect: 'opt-in', word: 'START' },
  { text: 'UNSTOP', expect: 'opt-in', word: 'UNSTOP' },
  { text: 'unstop.', expect: 'opt-in', word: 'UNSTOP' },
  { text: 'ＳＴＡＲＴ', expect: 'opt-in', word: 'START' },
  { text: `ST${ZWSP}ART`, expect: 'opt-in', word: 'START' },
  { text: 'Start please', expect: 'opt-in', word: 'START' },
  { text: 'YES', expect: 'message', note: 'YES is an ordinary text (R2 opts back in anyway)' },
  { text: 'Yes!', expect: 'message' },
  { text: 'yes please', expect: 'message' },
  { text: 'When do we start?', expect: 'message' },
  { text: 'Start time for the class?', expect: 'message' },
  { text: 'restart', expect: 'message' },
];

const TRIGGERS: readonly ClassifyCase[] = [
  // Defaults: help (HELP, INFO) and optout (OPTOUT).
  { text: 'HELP', expect: { trigger: 'help' } },
  { text: 'help', expect: { trigger: 'help' } },
  { text: 'Help!', expect: { trigger: 'help' } },
  { text: 'HELP?', expect: { trigger: 'help' } },
  { text: 'ｈｅｌｐ', expect: { trigger: 'help' } },
  { text: 'INFO', expect: { trigger: 'help' } },
  { text: ' info. ', expect: { trigger: 'help' } },
  { text: 'OPTOUT', expect: { trigger: 'optout' }, note: 'the optout trigger claims OPTOUT' },
  { text: 'optout', expect: { trigger: 'optout' } },
  { text: 'OptOut!', expect: { trigger: 'optout' } },
  { text: `OPT${ZWSP}OUT`, expect: { trigger: 'optout' } },
  { text: 'I need help', expect: 'message', note: 'a trigger matches the whole text only' },
  { text: 'help me please', expect: 'message' },
  { text: 'More info on the sale?', expect: 'message' },
  { text: 'OPTOUT please', expect: 'possible-opt-out', note: 'not the whole text, not R1' },
  { text: 'HELP', expect: 'message', triggers: [], note: 'no help trigger on this account' },

  // A custom trigger list.
  { text: 'HOURS', expect: { trigger: 'hours' }, triggers: HOURS_TRIGGERS },
  { text: 'hours?', expect: { trigger: 'hours' }, triggers: HOURS_TRIGGERS },
  { text: 'Opening times', expect: { trigger: 'hours' }, triggers: HOURS_TRIGGERS },
  { text: 'opening   TIMES!!', expect: { trigger: 'hours' }, triggers: HOURS_TRIGGERS },
  { text: 'What are your opening times?', expect: 'message', triggers: HOURS_TRIGGERS },
  { text: 'hours please', expect: 'message', triggers: HOURS_TRIGGERS },
  { text: 'HELP', expect: 'message', triggers: HOURS_TRIGGERS },

  // Opt-out beats a trigger.
  { text: 'STOP', expect: 'opt-out', word: 'STOP', triggers: CLASHING_TRIGGERS },
  { text: 'stop please', expect: 'opt-out', word: 'STOP', triggers: CLASHING_TRIGGERS },
  { text: 'Unsubscribe', expect: 'opt-out', word: 'UNSUBSCRIBE', triggers: CLASHING_TRIGGERS },
  { text: 'cancel', expect: 'opt-out', word: 'CANCEL', triggers: CLASHING_TRIGGERS },
  { text: 'stop texting me', expect: 'opt-out', triggers: CLASHING_TRIGGERS },
  { text: 'Opt Out', expect: 'opt-out', word: 'OPT OUT', note: 'two words: R1, not the trigger' },
  { text: 'help', expect: { trigger: 'help' }, triggers: CLASHING_TRIGGERS },

  // A trigger phrase may contain an opt-out word.
  { text: 'end of season sale!', expect: { trigger: 'sale' }, triggers: SALE_TRIGGERS },
  { text: 'End of season sale starts Friday', expect: 'message', triggers: SALE_TRIGGERS },
];

const POSSIBLE_OPT_OUT: readonly ClassifyCase[] = [
  { text: 'stop sending me these promos, this is so annoying', expect: 'possible-opt-out' },
  { text: 'enough', expect: 'possible-opt-out' },
  { text: 'ENOUGH!!', expect: 'possible-opt-out' },
  { text: 'Enough with the texts already', expect: 'possible-opt-out' },
  { text: 'Why do you keep texting me? Stop.', expect: 'possible-opt-out' },
  { text: 'Wrong number. Please stop.', expect: 'possible-opt-out' },
  { text: 'How do I stop these texts?', expect: 'possible-opt-out' },
  { text: "I've had enough of these messages, stop it", expect: 'possible-opt-out' },
  { text: 'leave me alone', expect: 'possible-opt-out' },
  { text: 'this is spam', expect: 'possible-opt-out' },
  {
    text: 'Please stop, this is harassment',
    expect: 'possible-opt-out',
  },
  { text: 'unsub', expect: 'possible-opt-out', note: 'txt-speak, not an R1 word' },
  {
    text: 'who is this? STOP',
    expect: 'possible-opt-out',
    note: 'a stop word as its own sentence after a question',
  },
  {
    text: 'STOP. I mean it.',
    expect: 'possible-opt-out',
    note: 'STOP as its own sentence, then a few words',
  },
  {
    text: 'I never signed up for this, unsubscribe',
    expect: 'possible-opt-out',
    note: 'an opt-out word closing a complaint',
  },
  // Stop words of other languages, alone.
  { text: 'Baja', expect: 'possible-opt-out', note: 'Spanish' },
  { text: 'BAJA', expect: 'possible-opt-out' },
  { text: 'Basta ya', expect: 'possible-opt-out', note: 'Spanish' },
  { text: 'Alto', expect: 'possible-opt-out', note: 'Spanish' },
  { text: 'Stopp', expect: 'possible-opt-out', note: 'German, Scandinavian' },
  { text: 'Abmelden', expect: 'possible-opt-out', note: 'German' },
  { text: 'Pare', expect: 'possible-opt-out', note: 'Portuguese' },
  { text: 'Arrêtez', expect: 'possible-opt-out', note: 'French' },
  { text: 'Désabonner', expect: 'possible-opt-out', note: 'French' },
  {
    text: '退订',
    expect: 'possible-opt-out',
    note: 'Chinese "unsubscribe", standard in CN SMS',
  },
  // Requests to stop in other languages.
  {
    text: 'No me manden más mensajes',
    expect: 'possible-opt-out',
    note: 'Spanish',
  },
  {
    text: 'Parem de mandar mensagens',
    expect: 'possible-opt-out',
    note: 'Portuguese',
  },
  {
    text: 'Bitte keine Nachrichten mehr',
    expect: 'possible-opt-out',
    note: 'German',
  },
  {
    text: "Ne m'envoyez plus de messages",
    expect: 'possible-opt-out',
    note: 'French',
  },
];

const ORDINARY_WITH_OPT_OUT_WORDS: readonly ClassifyCase[] = [
  // The examples of product.md.
  { text: 'Cancel my appointment', expect: 'message' },
  { text: 'Can you stop by at 3?', expect: 'message' },
  { text: 'What time do you stop serving lunch?', expect: 'message' },
  { text: "Don't stop the reminders", expect: 'message' },
  { text: 'the end of the month works', expect: 'message' },

  // More of the same.
  { text: 'Please cancel my appointment tomorrow', expect: 'message' },
  { text: 'cancel appointment', expect: 'message' },
  { text: 'Can I cancel?', expect: 'message' },
  { text: 'Is it too late to cancel?', expect: 'message' },
  { text: 'Cancel order #1234', expect: 'message' },
  { text: 'I want to cancel my subscription box for March', expect: 'message' },
  { text: 'Can you cancel and rebook me for Friday?', expect: 'message' },
  { text: 'Don’t stop the reminders please!', expect: 'message', note: 'curly apostrophe' },
  { text: 'Do not stop texting me', expect: 'message', note: 'the request, negated' },
  { text: "Don't stop texting me, I love the deals", expect: 'message' },
  { text: 'plz dont stop the txts lol', expect: 'message' },
  { text: 'Please don’t unsubscribe me', expect: 'message' },
  { text: "I don't want to unsubscribe", expect: 'message' },
  {
    text: "I don't want to unsubscribe, just change my number",
    expect: 'message',
    note: 'a clear no',
  },
  {
    text: 'Stop by anytime!',
    expect: 'message',
    note: 'phrasal verb, not a request',
  },
  {
    text: 'Which bus stop?',
    expect: 'message',
  },
  { text: 'Stop & Shop is out of milk', expect: 'message' },
  { text: "I'll stop at the pharmacy on the way", expect: 'message' },
  { text: 'It stopped raining, coming over now', expect: 'message' },
  { text: 'Non-stop flights to Denver?', expect: 'message' },
  {
    text: "Cancel, I can't make it Tuesday",
    expect: 'message',
    note: 'CANCEL as a clause means the visit',
  },
  { text: 'Stop in whenever you like', expect: 'message' },
  { text: "Don't bother", expect: 'message', note: 'bother needs an object to be about texting' },
  { text: "Don't bother, thanks", expect: 'message' },
  { text: "Don't send it", expect: 'message' },
  { text: "Don't send", expect: 'message' },
  { text: "Don't call", expect: 'message', note: 'may mean: text me instead' },
  { text: 'No messages?', expect: 'message', note: 'a question, not a request' },
  { text: 'No text?', expect: 'message' },
  { text: 'sign me out', expect: 'message' },
  { text: 'Drop me', expect: 'message' },
  { text: 'Cancel them', expect: 'message' },
  { text: 'I said STOP', expect: 'possible-opt-out' },
  { text: 'what does STOP do?', expect: 'message', note: 'a question about the keyword' },
  {
    text: 'If I reply STOP will I still get appointment reminders?',
    expect: 'message',
  },
  { text: 'The End', expect: 'message' },
  { text: 'Do you have any openings at the end of the week?', expect: 'message' },
  { text: 'My lease ends at the end of June', expect: 'message' },
  { text: 'Quit my job lol, can I pick up more shifts?', expect: 'message' },
  { text: 'I quit smoking 3 months ago!', expect: 'message' },
  { text: 'Please revoke my parking permit request', expect: 'message' },
  { text: 'No more appointments needed this week', expect: 'message' },
  { text: 'Can you remove the extra charge from my bill?', expect: 'message' },
  { text: "Cancel. I'll call to reschedule", expect: 'message' },
  { text: "cancel it please, I'll reschedule", expect: 'message' },
  { text: "Don't call me, text me", expect: 'message', note: 'they want texts' },
  { text: 'Take me off the waitlist for Tuesday, Wednesday works', expect: 'message' },
  { text: 'stop by the front desk when you arrive', expect: 'message' },
  { text: 'CAN YOU STOP BY AT 3', expect: 'message', note: 'all caps' },
  { text: 'I NEED TO CANCEL MY 3PM APPOINTMENT', expect: 'message', note: 'all caps' },
  { text: 'pls cancel my appt', expect: 'message', note: 'txt-speak' },
  { text: 'can u stop by l8r?', expect: 'message', note: 'txt-speak' },
  { text: 'Cancle my apointment plz', expect: 'message', note: 'typos' },
  { text: 'El precio es muy alto', expect: 'message', note: 'Spanish, "alto" = high' },
  { text: 'Quiero cancelar mi cita del lunes', expect: 'message', note: 'Spanish' },
  { text: 'Arrêtez-vous à la pharmacie en rentrant', expect: 'message', note: 'French' },
  { text: 'Ça marche pour la fin du mois', expect: 'message', note: 'French' },
  { text: 'Não pare os lembretes, por favor', expect: 'message', note: 'Portuguese' },
  { text: 'Ich muss den Termin absagen', expect: 'message', note: 'German' },
  { text: 'mujhe appointment cancel karna hai', expect: 'message', note: 'Hinglish' },
  { text: '取消我的预约', expect: 'message', note: 'Chinese "cancel my appointment"' },
  {
    text: 'STOP BY ANYTIME 😀😀 WE ARE OPEN TILL 9',
    expect: 'message',
    note: 'all caps and emoji',
  },
  {
    text:
      "Hi! I was wondering if I could move Thursday's appointment to the end of next week. " +
      "I don't want to cancel it, I just can't make it before then. Also please don't stop " +
      'the reminders, they really help me remember. Thanks so much!',
    expect: 'message',
    note: 'long message',
  },
];

const ORDINARY: readonly ClassifyCase[] = [
  // English.
  { text: 'Hi, is the store open today?', expect: 'message' },
  { text: 'Thanks!', expect: 'message' },
  { text: 'thank you', expect: 'message', note: 'filler alone is not an opt-out' },
  { text: 'please', expect: 'message' },
  { text: 'all', expect: 'message' },
  { text: 'now', expect: 'message' },
  { text: 'ok', expect: 'message' },
  { text: 'No', expect: 'message' },
  { text: 'Sounds good, see you then', expect: 'message' },
  { text: 'Can I reschedule to next Monday?', expect: 'message' },
  { text: 'What are your prices for a haircut?', expect: 'message' },
  { text: 'Running 10 min late, sorry!', expect: 'message' },
  { text: 'Is my order ready for pickup?', expect: 'message' },
  { text: 'Please send me the invoice', expect: 'message' },
  { text: 'Can you text me the address?', expect: 'message' },
  { text: 'Text me when it arrives', expect: 'message' },
  { text: 'Got your message, thanks', expect: 'message' },
  { text: 'wrong number', expect: 'message' },
  { text: 'Who is this?', expect: 'message' },
  { text: 'WHAT TIME DO YOU CLOSE TODAY', expect: 'message', note: 'all caps' },
  { text: 'Thnks, see yuo tomorow', expect: 'message', note: 'typos' },
  { text: 'Whta time do you clsoe?', expect: 'message', note: 'typos' },
  { text: 'u open 2day?', expect: 'message', note: 'txt-speak' },
  { text: 'thx c u l8r', expect: 'message', note: 'txt-speak' },
  { text: 'k', expect: 'message' },
  { text: 'omg ty!!', expect: 'message' },
  { text: '', expect: 'message', note: 'empty' },
  { text: '   ', expect: 'message', note: 'white space only' },
  { text: '?', expect: 'message' },
  { text: ZWSP, expect: 'message', note: 'invisible only' },
  {
    text:
      'Hello, my name is Dana and I booked a cleaning for my apartment on the 14th. ' +
      'The building has a buzzer, code 4411, and parking is on the street. Could the ' +
      'cleaner bring their own vacuum? Ours broke last week. Let me know the total too.',
    expect: 'message',
    note: 'long message',
  },
  // Emoji.
  { text: '👍', expect: 'message' },
  { text: '❤️❤️', expect: 'message' },
  { text: '😂😂😂', expect: 'message' },
  { text: '🎉🎉 thanks!! 🎉', expect: 'message' },
  { text: 'see you at 5 👋😊', expect: 'message' },
  { text: '👨‍👩‍👧 family of 3, table for tonight?', expect: 'message' },
  // Spanish.
  { text: '¿A qué hora abren mañana?', expect: 'message' },
  { text: 'Gracias, nos vemos el lunes', expect: 'message' },
  { text: 'Sí, confirmo la cita', expect: 'message' },
  { text: 'No puedo ir hoy, ¿podemos cambiar la hora?', expect: 'message' },
  // French.
  { text: 'Bonjour, je voudrais annuler mon rendez-vous', expect: 'message' },
  { text: 'Merci beaucoup !', expect: 'message' },
  { text: 'À quelle heure fermez-vous ?', expect: 'message' },
  { text: 'Oui', expect: 'message' },
  // German.
  { text: 'Können Sie mir den Termin bestätigen?', expect: 'message' },
  { text: 'Danke, bis morgen!', expect: 'message' },
  { text: 'Wann schließen Sie heute?', expect: 'message' },
  // Portuguese.
  { text: 'Obrigado, até amanhã', expect: 'message' },
  { text: 'Posso remarcar minha consulta?', expect: 'message' },
  { text: 'Quero cancelar meu pedido', expect: 'message' },
  // Chinese.
  { text: '你好，我想预约明天下午三点', expect: 'message' },
  { text: '谢谢！', expect: 'message' },
  { text: '请问你们几点关门？', expect: 'message' },
  // Arabic.
  { text: 'مرحبا، هل يمكنني تغيير موعدي؟', expect: 'message' },
  { text: 'شكرا جزيلا', expect: 'message' },
  { text: 'متى تفتحون غدا؟', expect: 'message' },
  // Hindi.
  { text: 'नमस्ते, क्या मैं कल आ सकता हूँ?', expect: 'message' },
  { text: 'धन्यवाद', expect: 'message' },
  { text: 'kal milte hain, thanks', expect: 'message', note: 'Hinglish' },
];

export const CLASSIFY_CASES: readonly ClassifyCase[] = [
  ...OPT_OUT_KEYWORDS,
  ...OPT_OUT_REQUESTS,
  ...OPT_IN,
  ...TRIGGERS,
  ...POSSIBLE_OPT_OUT,
  ...ORDINARY_WITH_OPT_OUT_WORDS,
  ...ORDINARY,
];
