/**
 * Keys of the media stores: the SHA-256 of a file (`<sha256>`), with an
 * optional variant (`<sha256>.preview`, `<sha256>.thumbnail`). Nothing else
 * is ever a key, so no key can climb out of a folder or name another object.
 */
const KEY = /^[0-9a-f]{64}(?:\.(?:preview|thumbnail))?$/u;

/** The key, when it is one; throws otherwise. */
export function checkedKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`Not a media key: ${JSON.stringify(key)}`);
  return key;
}
