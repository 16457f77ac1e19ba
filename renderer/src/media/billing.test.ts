import { describe, expect, it } from 'vitest';
import { billedAs, billingLabel, billingOf } from './billing';
import { lastMessageText } from './lastMessage';

describe('the composer counter', () => {
  it('counts GSM-7 segments as carriers bill them', () => {
    expect(billingLabel(billingOf('Hello', 0))).toBe('155 · 1 message');
    expect(billingLabel(billingOf('a'.repeat(161), 0))).toBe('145 · 2 messages');
    expect(billingLabel(billingOf('', 0))).toBe('');
  });

  it('counts UCS-2 when one character needs it', () => {
    expect(billingLabel(billingOf('Thanks 🙂', 0))).toBe('61 · 1 message · Unicode');
  });

  it('says one MMS when files are attached, whatever the words', () => {
    expect(billingLabel(billingOf('', 1))).toBe('1 MMS');
    expect(billingLabel(billingOf('a'.repeat(900), 3))).toBe('1 MMS');
    const long = billingOf('a'.repeat(1700), 1);
    expect(long).toMatchObject({ kind: 'mms', tooLong: true });
    expect(billingLabel(long)).toBe('1 MMS · 1700 of 1600 characters: too long');
  });

  it('says how a sent text was billed', () => {
    expect(billedAs('Hi', 0)).toBe('1 SMS');
    expect(billedAs('a'.repeat(320), 0)).toBe('3 SMS');
    expect(billedAs('', 2)).toBe('1 MMS');
    expect(billedAs('', 0)).toBeNull();
  });
});

describe('the conversation list line', () => {
  it('names a message by its files, before any caption', () => {
    expect(lastMessageText({ body: 'See you at 3' })).toBe('See you at 3');
    expect(lastMessageText({ body: '📷 Photo', mediaLabel: '📷 Photo' })).toBe('📷 Photo');
    expect(lastMessageText({ body: '', mediaLabel: '📷 2 photos' })).toBe('📷 2 photos');
    expect(lastMessageText({ body: 'Our menu', mediaLabel: '📄 PDF' })).toBe('📄 PDF · Our menu');
    expect(lastMessageText({ body: ' ' })).toBe('📎 Attachment');
  });
});
