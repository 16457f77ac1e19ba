import { describe, expect, it } from 'vitest';
import { guessColumns, looksLikeHeader, mapRows } from './importRows';

describe('reading a contacts file', () => {
  it('guesses columns from their titles, and a column of numbers as the phone', () => {
    expect(
      guessColumns(
        ['Full name', 'Mobile', 'Tags', 'SMS consent', 'Notes'],
        [['Ada', '+1 201 555 0101', 'VIP', 'yes', '']],
      ),
    ).toEqual(['name', 'phone', 'lists', 'optedIn', 'ignore']);
    expect(guessColumns(['A', 'B'], [['Ada', '(201) 555-0101']])).toEqual(['ignore', 'phone']);
    // Two columns that look like the same thing: the first wins, the second is left out.
    expect(guessColumns(['Phone', 'Work phone'], [])).toEqual(['phone', 'ignore']);
  });

  it('tells a header from a first contact', () => {
    expect(looksLikeHeader(['Name', 'Phone'])).toBe(true);
    expect(looksLikeHeader(['Ada', '+12015550101'])).toBe(false);
    expect(looksLikeHeader(['Phone name', '2015550101'])).toBe(false);
  });

  it('maps rows with their file line numbers, and reports the file’s own mistakes by line', () => {
    const { rows, problems } = mapRows(
      [
        ['Ada', '+12015550101', 'VIP; Newsletter', 'Yes'],
        ['', '', '', ''],
        ['Bob', '', '', 'no'],
        ['Cy', '2015550103', '', 'maybe'],
        ['Di', '2015550104', '', ''],
      ],
      ['name', 'phone', 'lists', 'optedIn'],
      2,
    );
    expect(rows).toEqual([
      { line: 2, phone: '+12015550101', name: 'Ada', lists: ['VIP', 'Newsletter'], optedIn: true },
      { line: 6, phone: '2015550104', name: 'Di' },
    ]);
    expect(problems).toEqual([
      { line: 4, message: 'No phone number.' },
      { line: 5, message: '“maybe” in the opted-in column is neither yes nor no.' },
    ]);
  });
});
