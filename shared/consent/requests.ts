/**
 * Plain requests to stop texting, which opt out like STOP does (R1):
 * "stop texting me", "remove me from your list", "no more texts".
 *
 * Matched against the words of the folded text joined by single spaces, and
 * only when the request is the whole text (filler aside): the same words
 * inside a longer complaint are a *possible opt-out* for the agent to confirm.
 */

import { FILLER_WORDS, OPT_OUT_WORDS } from './vocabulary';

const alt = (...options: readonly string[]): string => `(?:${options.join('|')})`;
const opt = (pattern: string): string => `(?: ${pattern})?`;

// Greetings and courtesy that surround a request: "hi, please stop texting me, thanks".
// Opt-out words may stand beside a request: "STOP STOP TEXTING", "stop, stop texting me".
const AROUND = alt(...FILLER_WORDS, ...OPT_OUT_WORDS);
// Verbs that are about texting itself: "do not text" is clear with nothing after it.
const TEXT_VERB = alt(
  'text',
  'texting',
  'txt',
  'txting',
  'message',
  'messaging',
  'msg',
  'msging',
  'sms',
  'smsing',
);
// Verbs that need an object to be about texting: "don't send it" and "don't bother" are not.
const SEND_VERB = alt(
  TEXT_VERB,
  'contact',
  'contacting',
  'call',
  'calling',
  'send',
  'sending',
  'spam',
  'spamming',
  'bother',
  'bothering',
);
const RECIPIENT = alt('me', 'us', 'this number', 'my number', 'my phone');
const NEGATION = alt("don't", 'dont', 'do not', 'never', 'no longer');
const DETERMINER = alt(
  'the',
  'these',
  'those',
  'your',
  'all',
  'all the',
  'all these',
  'all your',
  'any',
  'any more',
  'this',
  'those',
  'all of your',
  'all of these',
);
// Nouns only, for "no texts please", where "no this" would mean nothing.
const SEND_NOUN_LIST = [
  'texts?',
  'txts?',
  'messages?',
  'msgs?',
  'text messages?',
  'sms',
  'promotions?',
  'promos?',
  'marketing',
  'ads',
  'offers',
  'alerts',
];
const SEND_NOUNS = alt(...SEND_NOUN_LIST);
const SENDS = alt(
  ...SEND_NOUN_LIST,
  'smss',
  'reminders',
  'notifications',
  'spam',
  'stuff',
  'this',
  'them',
);
const AGAIN = alt(
  'anymore',
  'any more',
  'again',
  'ever again',
  'no more',
  'any longer',
  'from now on',
);
const LIST = alt(
  'this',
  'list',
  'lists',
  'mailing list',
  'texting list',
  'text list',
  'sms list',
  'contact list',
  'marketing list',
  'database',
  'system',
  'texts',
  'messages',
  'marketing',
  'alerts',
);
const FROM_LIST = `from${opt(DETERMINER)} ${LIST}`;

// "… to me", "… to this number"
const TO_RECIPIENT = opt(`to ${RECIPIENT}`);
// What follows a sending verb: "me", "me these texts", "texts to this number".
const OBJECT = alt(
  `${RECIPIENT}${opt(`${DETERMINER} ${SENDS}`)}${opt(SENDS)}`,
  `(?:${DETERMINER} )?${SEND_NOUNS}${TO_RECIPIENT}`,
);

const REQUESTS = [
  // stop texting me (anymore), stop sending me these texts, stop sending texts to this number
  `${alt('stop', 'quit', 'cease')} ${alt(TEXT_VERB, 'sending', 'contacting', 'calling', 'spamming')}${opt(OBJECT)}${opt(AGAIN)}`,
  `${alt('stop', 'quit', 'cease')} ${SEND_VERB} ${OBJECT}${opt(AGAIN)}`,
  // stop the texts, stop all messages, cancel texts
  `${alt('stop', 'quit', 'cease', 'end', 'cancel', 'revoke')}${opt(DETERMINER)} ${SEND_NOUNS}`,
  // opt out of texts
  `opt out${opt(`of${opt(DETERMINER)} ${alt(LIST, SENDS)}`)}`,
  // unsubscribe me (from your list)
  `unsubscribe${opt(RECIPIENT)}${opt(FROM_LIST)}`,
  // remove me (from your list); delete me from your list
  `remove ${RECIPIENT}${opt(FROM_LIST)}`,
  `${alt('delete', 'drop', 'unlist')} ${RECIPIENT} ${FROM_LIST}`,
  // take me off this list
  `take ${RECIPIENT} off${opt('of')}${opt(DETERMINER)} ${LIST}`,
  // opt me out
  `opt ${RECIPIENT} out${opt(FROM_LIST)}`,
  // do not text, don't text me anymore, never message me again, don't send me any more messages
  `${NEGATION} ${TEXT_VERB}${opt(OBJECT)}${opt(AGAIN)}`,
  `${NEGATION} ${SEND_VERB} ${OBJECT}${opt(AGAIN)}`,
  // no more texts
  `no more ${SENDS}`,
  'cease and desist',
  // I don't want these texts anymore, I no longer want to receive texts
  `${alt('i', 'we')} ${alt("don't", 'dont', 'do not', 'no longer')} want${opt(DETERMINER)} ${SENDS}${opt(AGAIN)}`,
  `${alt('i', 'we')} ${alt("don't", 'dont', 'do not', 'no longer')} want to ${alt('receive', 'get')}${opt(DETERMINER)} ${SENDS}${opt(AGAIN)}`,
  // I want to unsubscribe, I'd like to opt out, I wish to be removed from your list
  `${alt('i', 'we')}${opt(alt('want', 'would like', 'wish', 'need', 'demand'))}${opt("'d like")} to ${alt(
    'unsubscribe',
    'opt out',
    `stop ${alt('receiving', 'getting')}${opt(DETERMINER)} ${SENDS}`,
    `be removed${opt(FROM_LIST)}`,
    `be taken off${opt(DETERMINER)} ${LIST}`,
  )}`,
  // i'd like to unsubscribe (the contraction is one word)
  `${alt("i'd", "we'd")} like to ${alt('unsubscribe', 'opt out', `be removed${opt(FROM_LIST)}`)}`,
];

// Requests that, asked as a question, are rather a question: "No texts?"
const UNLESS_ASKED = [
  // no texts please
  `no ${SEND_NOUNS}`,
];

const pattern = (requests: readonly string[]): RegExp =>
  new RegExp(`^(?:${AROUND} )*${alt(...requests)}(?: ${AROUND})*$`, 'u');
const REQUEST_PATTERN = pattern([...REQUESTS, ...UNLESS_ASKED]);
const ASKED_PATTERN = pattern(REQUESTS);

/** True when the whole text, filler aside, is a plain request to stop texting. */
export function isStopRequest(words: readonly string[], asked = false): boolean {
  return (
    words.length > 0 &&
    words.length <= 16 &&
    (asked ? ASKED_PATTERN : REQUEST_PATTERN).test(words.join(' '))
  );
}
