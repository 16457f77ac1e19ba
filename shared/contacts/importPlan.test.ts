import { describe, expect, it } from 'vitest';
import { MAX_IMPORT_ROWS } from '../protocol/commands';
import { importChunks } from './importPlan';
import { plannedRow as row } from './testRows';

describe('sending an import', () => {
  it('cuts the rows into commands the server takes: at most MAX_IMPORT_ROWS, and small enough for one packet', () => {
    const many = Array.from({ length: MAX_IMPORT_ROWS * 2 + 1 }, (_, index) =>
      row(index + 2, `+1201${String(5_000_000 + index)}`),
    );
    expect(importChunks(many).map((chunk) => chunk.length)).toEqual([
      MAX_IMPORT_ROWS,
      MAX_IMPORT_ROWS,
      1,
    ]);
    const long = Array.from({ length: 3000 }, (_, index) =>
      row(index + 2, `+1201${String(5_000_000 + index)}`, {
        name: 'Å'.repeat(200),
        lists: Array.from({ length: 3 }, (_, list) => `List ${String(list)}`),
      }),
    );
    const chunks = importChunks(long);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(new TextEncoder().encode(JSON.stringify(chunk)).length).toBeLessThan(1024 * 1024);
    }
    expect(chunks.flat().map((item) => item.line)).toEqual(long.map((item) => item.line));
    // What the server needs only: no label, reason or merged lines.
    expect(chunks[0]?.[0]).toEqual({
      line: 2,
      phone: '+12015000000',
      name: 'Å'.repeat(200),
      lists: ['List 0', 'List 1', 'List 2'],
    });
  });
});
