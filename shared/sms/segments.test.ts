import { describe, expect, it } from 'vitest';
import { countSegments } from './segments';

describe('countSegments', () => {
  it('fits 160 plain characters in one message and splits at 153 after that', () => {
    expect(countSegments('')).toMatchObject({ segments: 0, remaining: 160 });
    expect(countSegments('a'.repeat(160))).toMatchObject({
      encoding: 'GSM-7',
      segments: 1,
      remaining: 0,
    });
    expect(countSegments('a'.repeat(161))).toMatchObject({ segments: 2, remaining: 306 - 161 });
    expect(countSegments('a'.repeat(306))).toMatchObject({ segments: 2, remaining: 0 });
    expect(countSegments('a'.repeat(307))).toMatchObject({ segments: 3 });
  });

  it('counts GSM-7 extension characters twice', () => {
    expect(countSegments('€'.repeat(80))).toMatchObject({
      encoding: 'GSM-7',
      segments: 1,
      used: 160,
    });
    expect(countSegments('€'.repeat(81))).toMatchObject({ segments: 2 });
  });

  it('sends the whole text as UCS-2 once one character needs it, and says which', () => {
    const text = `${'a'.repeat(69)}✓`;
    expect(countSegments(text)).toMatchObject({
      encoding: 'UCS-2',
      segments: 1,
      remaining: 0,
      unicodeCharacter: '✓',
    });
    expect(countSegments(`${text}b`)).toMatchObject({ segments: 2, remaining: 134 - 71 });
    // An emoji is two UTF-16 units.
    expect(countSegments('👍')).toMatchObject({ encoding: 'UCS-2', used: 2 });
  });

  it('keeps accented letters GSM-7 has (é, ñ) in GSM-7', () => {
    expect(countSegments('Café mañana')).toMatchObject({ encoding: 'GSM-7', used: 11 });
  });
});
