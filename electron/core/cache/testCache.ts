import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { LocalCache } from './localCache';
import { ME, temporaryFolder } from './testChanges';

/**
 * For a test file: each test gets a cache of its own, claimed for ME, in a
 * temporary folder removed afterwards. Call it at the top of the file and
 * use the getter in tests.
 */
export function cachePerTest(): () => LocalCache {
  let folder: ReturnType<typeof temporaryFolder> | undefined;
  let cache: LocalCache | undefined;
  beforeEach(() => {
    folder = temporaryFolder();
    cache = new LocalCache(join(folder.path, 'cache.sqlite'));
    cache.claim(ME);
  });
  afterEach(() => {
    cache?.close();
    folder?.remove();
  });
  return () => {
    if (cache === undefined) throw new Error('The cache exists only while a test runs.');
    return cache;
  };
}
