// @ts-check
/**
 * Draws Textdesk's app icon — a rounded speech bubble with three dots — and
 * writes it as build/icons/icon.svg, 512x512.png and 256x256.png (the names
 * electron-builder reads a Linux icon set from).
 *
 *   node build/scripts/make-icons.mjs [output folder]
 *
 * The PNGs are rasterised here from the same shapes as the SVG (4x4
 * supersampling for smooth edges) and written with zlib, so no image library
 * is needed. The output is byte-for-byte the same on every run:
 * build/packaging.test.ts checks that the committed icons match it.
 */
import { Buffer } from 'node:buffer';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { deflateSync } from 'node:zlib';

/** Every coordinate below is in a 512x512 box. */
const BOX = 512;
const BUBBLE_COLOUR = [0x25, 0x63, 0xeb]; // #2563eb
const DOT_COLOUR = [0xff, 0xff, 0xff];
const BODY = { x: 56, y: 72, width: 400, height: 304, radius: 88 };
/** The tail, joined to the body's lower left and pointing down-left. */
const TAIL = /** @type {const} */ ([
  [148, 352],
  [248, 352],
  [100, 456],
]);
const DOTS = [176, 256, 336].map((cx) => ({ cx, cy: 224, r: 30 }));

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="${BOX}" height="${BOX}" viewBox="0 0 ${BOX} ${BOX}">
  <title>Textdesk</title>
  <g fill="#2563eb">
    <rect x="${BODY.x}" y="${BODY.y}" width="${BODY.width}" height="${BODY.height}" rx="${BODY.radius}" />
    <polygon points="${TAIL.map(([x, y]) => `${x},${y}`).join(' ')}" />
  </g>
  <g fill="#ffffff">
${DOTS.map(({ cx, cy, r }) => `    <circle cx="${cx}" cy="${cy}" r="${r}" />`).join('\n')}
  </g>
</svg>
`;

/** @param {number} x @param {number} y */
function inBody(x, y) {
  const { x: left, y: top, width, height, radius } = BODY;
  if (x < left || x > left + width || y < top || y > top + height) return false;
  // Distance to the nearest corner's centre, when the point is in a corner square.
  const cx = Math.min(Math.max(x, left + radius), left + width - radius);
  const cy = Math.min(Math.max(y, top + radius), top + height - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

/** @param {number} x @param {number} y */
function inTail(x, y) {
  const [[ax, ay], [bx, by], [cx, cy]] = TAIL;
  const side = (
    /** @type {number} */ px,
    /** @type {number} */ py,
    /** @type {number} */ qx,
    /** @type {number} */ qy,
  ) => (qx - px) * (y - py) - (qy - py) * (x - px);
  const d1 = side(ax, ay, bx, by);
  const d2 = side(bx, by, cx, cy);
  const d3 = side(cx, cy, ax, ay);
  return (d1 >= 0 && d2 >= 0 && d3 >= 0) || (d1 <= 0 && d2 <= 0 && d3 <= 0);
}

/** @param {number} x @param {number} y */
function inDot(x, y) {
  return DOTS.some(({ cx, cy, r }) => (x - cx) ** 2 + (y - cy) ** 2 <= r ** 2);
}

const SAMPLES = 4;

/**
 * The icon at `size` pixels square, as PNG scanlines: each row a filter byte
 * (0, none) and then RGBA, straight (not premultiplied) alpha.
 * @param {number} size
 */
function rasterise(size) {
  const scale = BOX / size;
  const rows = Buffer.alloc(size * (1 + size * 4));
  for (let py = 0; py < size; py++) {
    const row = py * (1 + size * 4);
    for (let px = 0; px < size; px++) {
      let bubble = 0;
      let dot = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) * scale;
          const y = (py + (sy + 0.5) / SAMPLES) * scale;
          if (inDot(x, y)) dot++;
          else if (inBody(x, y) || inTail(x, y)) bubble++;
        }
      }
      const covered = bubble + dot;
      if (covered === 0) continue;
      const at = row + 1 + px * 4;
      for (let channel = 0; channel < 3; channel++) {
        const mixed =
          ((BUBBLE_COLOUR[channel] ?? 0) * bubble + (DOT_COLOUR[channel] ?? 0) * dot) / covered;
        rows[at + channel] = Math.round(mixed);
      }
      rows[at + 3] = Math.round((255 * covered) / (SAMPLES * SAMPLES));
    }
  }
  return rows;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** @param {Buffer} bytes */
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** @param {string} type @param {Buffer} data */
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** @param {number} size */
function png(size) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // colour type: RGBA
  // Bytes 10-12: deflate compression, adaptive filtering, no interlace (all 0).
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rasterise(size), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const outDir = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '../icons'));
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'icon.svg'), SVG);
for (const size of [512, 256]) {
  writeFileSync(path.join(outDir, `${size}x${size}.png`), png(size));
}
