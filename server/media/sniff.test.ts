import sharp from 'sharp';
import { expect, test } from 'vitest';
import { sniffBuffer } from './sniff';

const picture = (format: 'jpeg' | 'png' | 'webp' | 'gif') =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: '#c33' } })
    .toFormat(format)
    .toBuffer();

test('pictures are known by their bytes, whatever their name or claimed type', async () => {
  for (const format of ['jpeg', 'png', 'webp', 'gif'] as const) {
    const bytes = await picture(format);
    expect(await sniffBuffer(bytes)).toEqual({ type: `image/${format}`, kind: 'image' });
  }
});

test('a PDF, an MP3 and a vCard are shown as what they are', async () => {
  expect(await sniffBuffer(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'))).toEqual({
    type: 'application/pdf',
    kind: 'pdf',
  });
  // An MPEG-1 Layer III frame header (128 kbit/s, 44.1 kHz), as every MP3 has.
  const mp3 = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(413)]);
  expect(await sniffBuffer(mp3)).toMatchObject({ type: 'audio/mpeg', kind: 'audio' });
  const card = Buffer.from(
    'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Ruiz\r\nTEL:+12015550123\r\nEND:VCARD\r\n',
  );
  expect(await sniffBuffer(card)).toEqual({ type: 'text/vcard', kind: 'vcard' });
});

test('HTML and SVG, even named photo.jpg, are downloads with a warning, never pictures', async () => {
  const html = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>');
  for (const bytes of [html, svg, Buffer.from('just some words'), Buffer.alloc(0)]) {
    expect(await sniffBuffer(bytes)).toEqual({ type: 'application/octet-stream', kind: 'file' });
  }
});

test('a ZIP or an executable is a download, not shown', async () => {
  const zip = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(60)]);
  expect((await sniffBuffer(zip)).kind).toBe('file');
  const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62)]);
  expect((await sniffBuffer(exe)).kind).toBe('file');
});
