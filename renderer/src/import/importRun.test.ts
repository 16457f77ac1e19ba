import { describe, expect, it } from 'vitest';
import type { PlannedRow } from '../../../shared/contacts/importPlan';
import type { KnownContact } from '../../../shared/ipc/manage';
import type { E164 } from '../../../shared/phone';
import { previewCounts, savedName, statusOf } from './importRun';

const row = (line: number, phone: string, fields: Partial<PlannedRow> = {}): PlannedRow => ({
  line,
  phone: phone as E164,
  label: 'Mobile',
  kind: 'mobile',
  why: 'labelled-mobile',
  others: 0,
  merged: [],
  ...fields,
});

const contact = (phone: string, fields: Partial<KnownContact> = {}): KnownContact => ({
  phone,
  name: '',
  optedIn: true,
  blocked: false,
  optOut: null,
  ...fields,
});

describe('the preview', () => {
  const known = new Map([
    ['+12015550102', contact('+12015550102', { name: 'Bobby' })],
    ['+12015550103', contact('+12015550103', { optedIn: false })],
    ['+12015550104', contact('+12015550104', { optedIn: false, blocked: true })],
    ['+12015550105', contact('+12015550105')],
  ]);
  const rows = [
    row(2, '+12015550101', { name: 'Ada' }),
    row(3, '+12015550102', { name: 'Bob' }),
    row(4, '+12015550103', { name: 'Cy', optedIn: true }),
    row(5, '+12015550104', { name: 'Di' }),
    row(6, '+12015550105', { name: 'Eve' }),
  ];

  it('says which rows are new, known, opted out or blocked', () => {
    expect(rows.map((item) => statusOf(item, known))).toEqual([
      'new',
      'known',
      'opted-out',
      'blocked',
      'known',
    ]);
  });

  it('keeps a known contact’s name unless names are overwritten, and never blanks one', () => {
    expect(savedName(rows[1] ?? row(0, ''), known, false)).toBe('Bobby');
    expect(savedName(rows[1] ?? row(0, ''), known, true)).toBe('Bob');
    expect(savedName(rows[4] ?? row(0, ''), known, false)).toBe('Eve');
    expect(savedName(row(7, '+12015550102'), known, true)).toBe('Bobby');
  });

  it('counts new, updated, kept opted out, names kept and skipped by reason', () => {
    const skipped = [{ reason: 'no-number' as const }, { reason: 'duplicate' as const }];
    const target = { kind: 'list', listId: 'l', name: 'VIP' } as const;
    expect(previewCounts(rows, skipped, known, target, false)).toEqual({
      created: 1,
      updated: 4,
      staysOptedOut: 2,
      namesKept: 1,
      optsOut: 0,
      skipped: { 'no-number': 1, duplicate: 1 },
    });
    expect(previewCounts(rows, [], known, { kind: 'opt-out' }, true)).toMatchObject({
      staysOptedOut: 2,
      optsOut: 3,
      namesKept: 0,
    });
  });
});
