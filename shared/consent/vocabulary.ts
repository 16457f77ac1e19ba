/**
 * The words the classifier knows. All entries are folded (lower case, no
 * accents) and written as space-separated words, as {@link wordsOf} yields them.
 */

/** R1 opt-out words, as they stand alone or with filler. */
export const OPT_OUT_WORDS = [
  'stop',
  'stopall',
  'stop all',
  'unsubscribe',
  'cancel',
  'end',
  'quit',
  'revoke',
  'opt out',
  'arret',
] as const;

/**
 * Opt-out words that a trigger may claim. OPTOUT is the `optout` trigger while
 * a trigger has it as a keyword, and a plain opt-out word otherwise.
 */
export const CLAIMABLE_OPT_OUT_WORDS = ['optout'] as const;

/** Opt-in keywords. YES is deliberately not one: it is an ordinary text. */
export const OPT_IN_WORDS = ['start', 'unstop'] as const;

/** Words that may surround an opt-out or opt-in word without changing its meaning. */
export const FILLER_WORDS = [
  'please',
  'pls',
  'plz',
  'now',
  'right now',
  'thanks',
  'thank you',
  'thx',
  'ty',
  'it',
  'all',
  'ok',
  'okay',
  'just',
  'kindly',
  'hi',
  'hello',
  'hey',
  'sorry',
  // Canadian French and Spanish courtesy around ARRET and STOP
  'merci',
  'svp',
  "s'il vous plait",
  'gracias',
  'por favor',
] as const;

/**
 * Opt-out words that are clear enough on their own to flag a longer text
 * when they stand as a sentence or clause of it ("who is this? STOP").
 */
export const STRONG_OPT_OUT_WORDS = [
  'stop',
  'stopall',
  'stop all',
  'unsubscribe',
  'revoke',
  'opt out',
  'optout',
  'arret',
] as const;

/** Extra filler accepted around opt-in keywords ("start again"). */
export const OPT_IN_FILLER_WORDS = ['again', 'back'] as const;

/**
 * Words that make a text look like a request to stop. Alone in a short text,
 * or next to a word about texting, they flag the text as a *possible opt-out*.
 * Includes common stop words of languages whose speakers text US and Canadian
 * numbers, which the law does not list but an agent should see.
 */
export const STOP_CUES = [
  'stop',
  'stopall',
  'optout',
  'opt out',
  'unsubscribe',
  'unsub',
  'revoke',
  'arret',
  'enough',
  'remove me',
  'take me off',
  'leave me alone',
  'no more',
  'spam',
  'spamming',
  'harass',
  'harassing',
  'harassment',
  // Spanish
  'baja',
  'parar',
  'para ya',
  'basta',
  'alto',
  'desuscribir',
  'desuscribirme',
  'cancelar suscripcion',
  // French
  'arrete',
  'arretez',
  'arreter',
  'desabonner',
  'desinscrire',
  // German, Dutch, Scandinavian
  'stopp',
  'abmelden',
  'afmelden',
  // Portuguese, Italian
  'pare',
  'parem',
  'cancellami',
  'no me manden',
  'no mas',
  'keine nachrichten',
  'keine sms',
  "ne m'envoyez plus",
  'plus de messages',
  // Chinese: 退订 and TD are the standard unsubscribe replies
  '退订',
  '取消订阅',
  'td',
] as const;

/**
 * Words up to three places before a stop cue that turn it around: "don't
 * stop the reminders", "I don't want to unsubscribe".
 */
export const STOP_NEGATIONS = ["don't", 'dont', 'do not', 'never', 'not', "won't", 'non'] as const;

/** Words before "stop" that make it a noun: "bus stop", "next stop". */
export const STOP_NOUN_BEFORE = [
  'bus',
  'pit',
  'next',
  'last',
  'first',
  'rest',
  'truck',
  'one',
  'full',
] as const;

/** Words after "stop" that make it an everyday verb: "stop by", "stop in". */
export const STOP_VERB_AFTER = [
  'by',
  'in',
  'over',
  'at',
  'for',
  'off',
  'and',
  'to',
  'here',
  'there',
] as const;

/** Words that tie a text to texting, so "stop" near them looks like a request. */
export const TEXTING_CUES = [
  'text',
  'texts',
  'texting',
  'txt',
  'txts',
  'txting',
  'message',
  'messages',
  'messaging',
  'msg',
  'msgs',
  'sms',
  'number',
  'list',
  'contact',
  'contacting',
  'sending',
  'send',
  'these',
  'anymore',
  'again',
  'bother',
  'bothering',
  'annoying',
  'spam',
  'harass',
  'harassing',
  'harassment',
  'mensajes',
  'mensaje',
  'textos',
  'mensagens',
  'mensagem',
  'nachrichten',
] as const;
