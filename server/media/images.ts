import { readFile, stat, writeFile } from 'node:fs/promises';
import heicConvert from 'heic-convert';
import sharp, { type Sharp } from 'sharp';
import { PREVIEW_SIZE, THUMBNAIL_SIZE } from '../../shared/protocol/media';

/**
 * Pictures re-encoded for display. Only the bytes the app shows are made
 * here, by sharp (libvips), from files whose type was sniffed as one of the
 * shown image types: never SVG or anything unrecognised. Re-encoding drops
 * EXIF and every other metadata block (a photo's GPS location included),
 * turns the picture upright first, and leaves the original untouched for
 * "save as…".
 */

// No file cache: each picture is read once, and memory must stay flat under a burst of MMS.
sharp.cache(false);

/** A picture larger than this (about 100 megapixels) is not decoded: a decompression bomb. */
const PIXEL_LIMIT = 100_000_000;

/** The types sharp decodes directly; HEIC goes through heic-convert first. */
const DECODABLE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export interface Derived {
  /** Type of the preview and the thumbnail. */
  readonly previewType: 'image/jpeg' | 'image/png' | 'image/webp';
  readonly width: number | null;
  readonly height: number | null;
}

/** What sharp reads: a path, or HEIC already turned into a JPEG. */
async function decodableInput(path: string, type: string): Promise<string | Buffer | null> {
  if (DECODABLE.has(type)) return path;
  if (type !== 'image/heic') return null;
  // heic-convert works on a buffer; the file is at most MAX_MEDIA_BYTES.
  const jpeg = await heicConvert({ buffer: await readFile(path), format: 'JPEG', quality: 0.92 });
  return Buffer.from(jpeg);
}

function open(input: string | Buffer, animated: boolean): Sharp {
  return sharp(input, { limitInputPixels: PIXEL_LIMIT, animated, failOn: 'error' });
}

/**
 * Writes the preview (longest side PREVIEW_SIZE) and the thumbnail (longest
 * side THUMBNAIL_SIZE) of the picture at `path`, never enlarging it. GIFs
 * keep their animation as animated WebP; pictures with transparency become
 * PNG; the rest JPEG. Null when the bytes cannot be decoded (a damaged
 * file, too many pixels): the file is then offered as a download only.
 */
export async function derivePictures(
  path: string,
  type: string,
  out: { readonly preview: string; readonly thumbnail: string },
): Promise<Derived | null> {
  try {
    const input = await decodableInput(path, type);
    if (input === null) return null;
    const animated = type === 'image/gif';
    const meta = await open(input, animated).metadata();
    const upright = meta.autoOrient;
    const previewType: Derived['previewType'] = animated
      ? 'image/webp'
      : meta.hasAlpha
        ? 'image/png'
        : 'image/jpeg';
    // The preview from the original, the thumbnail from the (much smaller) preview.
    for (const [from, file, size] of [
      [input, out.preview, PREVIEW_SIZE],
      [out.preview, out.thumbnail, THUMBNAIL_SIZE],
    ] as const) {
      const resized = open(from, animated)
        .rotate()
        .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true });
      const encoded =
        previewType === 'image/webp'
          ? resized.webp({ quality: 80 })
          : previewType === 'image/png'
            ? resized.png({ compressionLevel: 6 })
            : resized.jpeg({ quality: 82 });
      await encoded.toFile(file);
    }
    return {
      previewType,
      width: upright.width,
      height: animated ? (meta.pageHeight ?? upright.height) : upright.height,
    };
  } catch {
    return null;
  }
}

/**
 * Re-encodes a picture as a JPEG of at most `maxBytes` at `outPath`: lower
 * quality first, then fewer pixels, until it fits. Transparency is laid on
 * white. Resolves with the new size, or null when the picture cannot be
 * decoded or cannot be made that small.
 */
export async function shrinkToJpeg(
  path: string,
  type: string,
  maxBytes: number,
  outPath: string,
): Promise<number | null> {
  try {
    const input = await decodableInput(path, type);
    if (input === null) return null;
    const meta = await open(input, false).metadata();
    let side = Math.max(meta.autoOrient.width, meta.autoOrient.height);
    for (let attempt = 0; attempt < 12 && side >= 64; attempt += 1) {
      const quality = [85, 75, 65][attempt % 3] ?? 65;
      const jpeg = await open(input, false)
        .rotate()
        .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality })
        .toBuffer();
      if (jpeg.length <= maxBytes) {
        await writeFile(outPath, jpeg);
        return (await stat(outPath)).size;
      }
      // Every third try also takes a quarter off the longest side.
      if (attempt % 3 === 2) side = Math.floor(side * 0.75);
    }
    return null;
  } catch {
    return null;
  }
}
