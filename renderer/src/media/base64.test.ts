import { describe, expect, it } from 'vitest';
import { attachName, bytesToBase64 } from './base64';

describe('reading a file to stage it', () => {
  it('encodes bytes as base64, large files too', () => {
    expect(bytesToBase64(new TextEncoder().encode('Hello'))).toBe('SGVsbG8=');
    const large = new Uint8Array(100_000).map((_, index) => index % 256);
    expect(bytesToBase64(large)).toBe(Buffer.from(large).toString('base64'));
  });

  it('names a pasted picture that came without a name', () => {
    expect(attachName('', 'image/png')).toBe('pasted.png');
    expect(attachName('  ', 'image/jpeg')).toBe('pasted.jpg');
    expect(attachName('IMG_0042.HEIC', 'image/heic')).toBe('IMG_0042.HEIC');
    expect(attachName(`${'a'.repeat(300)}.jpg`, 'image/jpeg')).toHaveLength(255);
  });
});
