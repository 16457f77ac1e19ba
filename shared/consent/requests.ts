/**
 * Plain requests to stop texting, which opt out like STOP does (R1):
 * "stop texting me", "remove me from your list", "no more texts".
 *
 * Matched against the words of the folded text joined by single spaces, and
 * only when the request is the whole text (filler aside): the same words
 * inside a longer complaint are a *possible opt-out* for the agent to confirm.
 */

import { FILLER_WORDS } from './vocabulary';

const alt = (...options: readonly string[]): string => `(?:${options.join('|')})`;
const opt = (pattern: string): string => `(?: ${pattern})?`;

// Greetings and courtesy that surround a request: "hi, please stop texting me, thanks".
const FILLER = alt(...FILLER_WORDS, 'ok', 'okay', 'just', 'kindly', 'hi', 'hello', 'hey', 'sorry');
const SEND_VERB = alt(
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

const REQUESTS = [
  // stop texting me (anymore), stop sending me these texts, quit messaging me
  `${alt('stop', 'quit', 'cease')} ${SEND_VERB}${opt(RECIPIENT)}${opt(`${DETERMINER} ${SENDS}`)}${opt(SENDS)}${opt(AGAIN)}`,
  // stop the texts, stop all messages, cancel texts
  `${alt('stop', 'quit', 'cease', 'end', 'cancel', 'revoke')}${opt(DETERMINER)} ${SENDS}`,
  // opt out of texts
  `opt out${opt(`of${opt(DETERMINER)} ${alt(LIST, SENDS)}`)}`,
  // unsubscribe me (from your list)
  `unsubscribe${opt(RECIPIENT)}${opt(FROM_LIST)}`,
  // remove me (from your list)
  `${alt('remove', 'delete', 'drop', 'unlist')} ${RECIPIENT}${opt(FROM_LIST)}`,
  // take me off this list
  `take ${RECIPIENT} off${opt('of')}${opt(DETERMINER)} ${LIST}`,
  // opt me out, sign me out
  `${alt('opt', 'sign')} ${RECIPIENT} out${opt(FROM_LIST)}`,
  // don't text me anymore, do not contact me, never message me again, do not text
  `${alt("don't", 'dont', 'do not', 'never', 'no longer')} ${SEND_VERB}${opt(RECIPIENT)}${opt(AGAIN)}`,
  // no more texts, no texts please
  `no more ${SENDS}`,
  `no ${SEND_NOUNS}`,
  // I don't want these texts anymore
  `${alt('i', 'we')} ${alt("don't", 'dont', 'do not')} want${opt(DETERMINER)} ${SENDS}${opt(AGAIN)}`,
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

const REQUEST_PATTERN = new RegExp(`^(?:${FILLER} )*${alt(...REQUESTS)}(?: ${FILLER})*$`, 'u');

/** True when the whole text, filler aside, is a plain request to stop texting. */
export function isStopRequest(words: readonly string[]): boolean {
  return words.length > 0 && words.length <= 16 && REQUEST_PATTERN.test(words.join(' '));
}
