import { describe, expect, it } from 'vitest';
import { plannedRow as row } from '../../../shared/contacts/testRows';
import type { KnownContact } from '../../../shared/ipc/manage';
import { previewCounts, runImport, savedName, statusOf } from './importRun';

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

describe('running an import', () => {
  /** window.textdesk with only commands.run, answering each import as the server would. */
  function fakeApi(fail?: number) {
    const sent: unknown[][] = [];
    const api = {
      commands: {
        run: ({ command }: { command: { rows: unknown[] } }) => {
          sent.push(command.rows);
          if (sent.length === fail) {
            return Promise.resolve({
              ok: false,
              error: { code: 'offline', message: 'Importing needs a connection to the server.' },
            });
          }
          const value = {
            created: command.rows.length,
            updated: 0,
            keptOptedOut: [],
            optedOut: 0,
            namesKept: 0,
            errors: [],
          };
          return Promise.resolve({ ok: true, value: { state: 'done', value } });
        },
      },
    };
    Object.assign(globalThis, { window: { textdesk: api } });
    return sent;
  }
  const rows = Array.from({ length: 12_000 }, (_, index) =>
    row(index + 2, `+1201${String(5_000_000 + index)}`),
  );
  const target = { kind: 'list', listId: 'l', name: 'VIP' } as const;

  it('stops between batches when cancelled, and says how far it got', async () => {
    const sent = fakeApi();
    const progress: number[] = [];
    let batches = 0;
    const outcome = await runImport(rows, {
      target,
      country: 'US',
      overwriteNames: false,
      cancelled: () => batches >= 1,
      progress: (done) => {
        progress.push(done);
        if (done > 0) batches += 1;
      },
    });
    expect(sent).toHaveLength(1);
    expect(outcome).toMatchObject({ cancelled: true, done: 5000, total: 12_000, created: 5000 });
    expect(progress).toEqual([0, 5000]);
  });

  it('stops at a refused batch and keeps what the batches before it imported', async () => {
    fakeApi(2);
    const outcome = await runImport(rows, {
      target,
      country: 'US',
      overwriteNames: false,
      cancelled: () => false,
      progress: () => undefined,
    });
    expect(outcome).toMatchObject({
      cancelled: false,
      done: 5000,
      created: 5000,
      failure: 'Importing needs a connection to the server.',
    });
  });
});
