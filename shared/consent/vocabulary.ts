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
  'basta',
  'cancellami',
] as const;

/** Words before "stop" that turn it around: "don't stop the reminders". */
export const STOP_NEGATIONS = ["don't", 'dont', 'do not', 'never', 'not', "won't", 'non'] as const;

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
  'mensajes',
  'mensaje',
  'textos',
  'messages',
  'nachrichten',
] as const;
