import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(16 * 256);
let next = pool.length;

/**
 * A new id in UUID form whose first 48 bits are the time in milliseconds
 * (UUID version 7, RFC 9562), the rest random. Rows made together get ids
 * next to each other, so a batch of new messages lands on a few pages of the
 * id index rather than on hundreds of scattered ones, and each commit writes
 * (and the disk syncs) less. As unguessable as a random UUID for anyone who
 * does not know the moment it was made to the millisecond.
 */
export function timeOrderedId(now = Date.now()): string {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  const bytes = pool.subarray(next, next + 16);
  next += 16;
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
