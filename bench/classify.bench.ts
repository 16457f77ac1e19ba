/**
 * How fast an inbound text is read, next to the rawest possible reading —
 * a lower-cased exact lookup in a Set of opt-out words — on the same texts in
 * the same run. Ingest reads every inbound text once, so this bounds what
 * consent costs per text. Run: npm run bench
 */
import { bench, describe } from 'vitest';
import { classifyInbound } from '../shared/consent';

const TEXTS = [
  'STOP',
  'Stop please',
  'HELP',
  'Hi, can I move my appointment to Thursday at 3?',
  'please stop texting me',
  'Cancel my appointment',
  'Thanks!! See you then 😊',
  'stop sending me these promos, this is so annoying',
  '¿Pueden cambiar mi cita para el lunes?',
  'OPTOUT',
  'What time do you stop serving lunch?',
  'ok',
  'The total was $45.20 but I was charged twice, can someone check my account please? Order 88812',
];

const RAW_WORDS = new Set([
  'stop',
  'stopall',
  'unsubscribe',
  'cancel',
  'end',
  'quit',
  'revoke',
  'optout',
]);

describe('reading inbound texts', () => {
  bench('anchor: exact lookup of the lower-cased text', () => {
    for (const text of TEXTS) RAW_WORDS.has(text.trim().toLowerCase());
  });

  bench(
    'classifyInbound (normalise, opt-out words and requests, triggers, possible opt-out)',
    () => {
      for (const text of TEXTS) classifyInbound(text);
    },
  );
});
