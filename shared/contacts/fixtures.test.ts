/**
 * Every export in fixtures/ — written after the formats as Google, Microsoft,
 * Apple, Android and the texting tools document and write them (see
 * fixtures/README.md) — read as the import dialog reads it: the encoding,
 * each person's chosen number and why, their whole name, and everyone set
 * aside with the reason, by line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCountryCode } from '../phone';
import { openContactsFile, peopleOf } from './contactsFile';
import { planImport } from './importPlan';

interface Expected {
  readonly defaultCountry: string;
  readonly encoding: string;
  readonly people: readonly {
    readonly line: number;
    readonly name: string;
    readonly phone: string;
    readonly kind: string;
    readonly why: string;
  }[];
  readonly skipped?: readonly { readonly line: number; readonly reason: string }[];
}

const FIXTURES = join(import.meta.dirname, 'fixtures');
const files = readdirSync(FIXTURES).filter((file) => /\.(csv|vcf)$/u.test(file));

describe('real exports', () => {
  it('has fixtures to read', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s', (file) => {
    const expected = JSON.parse(
      readFileSync(join(FIXTURES, file.replace(/\.(csv|vcf)$/u, '.expected.json')), 'utf8'),
    ) as Expected;
    const country = isCountryCode(expected.defaultCountry) ? expected.defaultCountry : 'US';
    const opened = openContactsFile(new Uint8Array(readFileSync(join(FIXTURES, file))), file);
    expect(opened.encoding).toBe(expected.encoding);
    const { people, problems } = peopleOf(opened);
    const plan = planImport(people, problems, country);
    expect(
      plan.rows.map((row) => ({
        line: row.line,
        name: row.name ?? '',
        phone: row.phone,
        why: row.why,
      })),
    ).toEqual(
      expected.people.map((person) => ({
        line: person.line,
        name: person.name,
        phone: person.phone,
        why: person.why,
      })),
    );
    // The label's kind: a custom label ("Boat") may read as any kind but mobile.
    expect(plan.rows.map((row) => (row.kind === 'mobile' ? 'mobile' : 'not mobile'))).toEqual(
      expected.people.map((person) =>
        ['mobile', 'iphone'].includes(person.kind) ? 'mobile' : 'not mobile',
      ),
    );
    if (expected.skipped !== undefined) {
      expect(plan.skipped.map((skip) => ({ line: skip.line, reason: skip.reason }))).toEqual(
        expected.skipped.map((skip) => ({ line: skip.line, reason: skip.reason })),
      );
    }
  });
});
