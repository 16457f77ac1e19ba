import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { dataFolderRoot, traversableByOthers } from './postgres';

describe('the test PostgreSQL data folder', () => {
  test('is never inside a folder PostgreSQL’s own user cannot enter', () => {
    const base = mkdtempSync(join(tmpdir(), 'textdesk-private-'));
    const private_ = join(base, 'checkout');
    mkdirSync(join(private_, 'tmp'), { recursive: true });
    chmodSync(base, 0o755);
    chmodSync(private_, 0o700);
    const inside = join(private_, 'tmp');
    expect(traversableByOthers(inside)).toBe(false);
    expect(traversableByOthers(base)).toBe(true);
    // As root, a TMPDIR in a private checkout is passed over for one that can be reached.
    expect(dataFolderRoot(true, [inside, base])).toBe(base);
    expect(() => dataFolderRoot(true, [inside])).toThrow(/cannot reach/u);
    // Run as the user PostgreSQL itself runs as, nothing needs to change.
    expect(dataFolderRoot(false, [inside])).toBe(tmpdir());
  });
});
