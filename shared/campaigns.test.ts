import { describe, expect, test } from 'vitest';
import {
  campaignText,
  countOptOutLinks,
  OPT_OUT_SENTENCE,
  optOutWording,
  quietHoursWait,
  skipLabel,
  skipOf,
  withOptOutWording,
} from './campaigns';

describe('optOutWording', () => {
  test.each([
    'Spring sale! Reply STOP to opt out.',
    'Spring sale! Text STOP to unsubscribe',
    'Spring sale! reply stop to opt-out',
    'Spring sale! Txt STOP 2 end',
    'Spring sale! Respond with “STOP” to stop receiving these.',
    'Spring sale! STOP to opt out',
    'Spring sale! Reply END to unsubscribe',
    'Spring sale! Msg & data rates may apply. Reply STOP to cancel',
    'Spring sale! Opt out: {{optout_link}}',
    'Spring sale! Opt out: {{ OptOut_Link }}',
  ])('%s: says how to opt out', (body) => {
    expect(optOutWording(body)).toBe(true);
  });

  test.each([
    'Spring sale! Stop by our store this weekend.',
    'Don’t stop now: 20% off everything.',
    'Reply CANCEL to cancel your appointment.',
    'Unsubscribe at our website.',
    'Opt out: {{optout_url}}',
    'The bus stop is next to our door.',
  ])('%s: does not', (body) => {
    expect(optOutWording(body)).toBe(false);
  });

  test('counts the link fields, however they are spelled', () => {
    expect(countOptOutLinks('no link')).toBe(0);
    expect(countOptOutLinks('{{optout_link}} and {{ OPTOUT_LINK }}')).toBe(2);
  });
});

describe('withOptOutWording', () => {
  test('adds “Reply STOP to opt out.” on a line of its own', () => {
    expect(withOptOutWording('Spring sale, 20% off!  \n')).toBe(
      `Spring sale, 20% off!\n${OPT_OUT_SENTENCE}`,
    );
    expect(optOutWording(withOptOutWording('Stop by our store'))).toBe(true);
    expect(withOptOutWording('')).toBe(OPT_OUT_SENTENCE);
  });

  test('leaves a text that says it already', () => {
    expect(withOptOutWording('Sale! Text STOP to unsubscribe')).toBe(
      'Sale! Text STOP to unsubscribe',
    );
  });
});

describe('campaignText', () => {
  const values = { contactName: 'Ada Lovelace', businessName: 'Acme Dental', senderName: 'Sam' };

  test('fills the merge fields and keeps the link field for the server, in one spelling', () => {
    expect(
      campaignText(
        'Hi {{first_name}} ({{name}}), {{business_name}} has a sale. Stop: {{ OptOut_Link }}',
        values,
      ),
    ).toBe('Hi Ada (Ada Lovelace), Acme Dental has a sale. Stop: {{optout_link}}');
  });

  test('a recipient with no name gets a tidy text', () => {
    expect(campaignText('Hi {{first_name}}, sale today!', { ...values, contactName: '' })).toBe(
      'Hi, sale today!',
    );
  });
});

describe('skips', () => {
  test('each gate refusal of a member has its group and label', () => {
    expect(skipOf('opted-out')).toBe('opted-out');
    expect(skipOf('blocked')).toBe('blocked');
    expect(skipOf('suppressed')).toBe('suppressed');
    expect(skipOf('not-on-list')).toBeNull();
    expect(skipLabel('suppressed')).toBe('On the “Marketing Opt-Out” list: no marketing');
    expect(skipLabel('opted-out')).toBe('Opted out');
    expect(quietHoursWait()).toBe('Quiet hours: sends at 8:00 their time');
  });
});
