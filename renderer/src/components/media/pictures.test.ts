import { describe, expect, it } from 'vitest';
import type { MediaSnapshot } from '../../../../shared/protocol/media';
import {
  downloadName,
  fitWithin,
  isViewable,
  nextZoom,
  pictureAlt,
  thumbnailSize,
} from './pictures';

const photo: MediaSnapshot = {
  id: 'm1',
  sha256: 'a'.repeat(64),
  type: 'image/jpeg',
  kind: 'image',
  size: 1000,
  filename: 'IMG_0042.jpg',
  claimedType: null,
  width: 4032,
  height: 3024,
  hasPreview: true,
  expired: false,
  createdAt: '2026-12-07T00:00:00Z',
};

describe('pictures in the thread and the viewer', () => {
  it('shows only pictures with a re-encoded preview that are still kept', () => {
    expect(isViewable(photo)).toBe(true);
    expect(isViewable({ ...photo, hasPreview: false })).toBe(false);
    expect(isViewable({ ...photo, expired: true })).toBe(false);
    expect(isViewable({ ...photo, kind: 'file' })).toBe(false);
  });

  it('sizes a thumbnail before it loads, keeping its shape', () => {
    expect(thumbnailSize(photo)).toEqual({ width: 240, height: 180 });
    expect(fitWithin({ width: 100, height: 50 }, 240)).toEqual({ width: 100, height: 50 });
    expect(fitWithin({ width: null, height: 50 }, 240)).toBeNull();
    expect(thumbnailSize({ ...photo, width: null })).toEqual({ width: 240, height: 180 });
  });

  it('names pictures for people who cannot see them, and files to save', () => {
    expect(pictureAlt(photo, 'customer')).toBe('Picture from the customer: IMG_0042.jpg');
    expect(pictureAlt({ ...photo, filename: null }, 'team')).toBe('Picture sent');
    expect(downloadName({ ...photo, filename: null })).toBe('picture.jpg');
    expect(downloadName({ ...photo, filename: ' ', kind: 'pdf', type: 'application/pdf' })).toBe(
      'file.pdf',
    );
  });

  it('zooms in and out in steps from fit', () => {
    expect(nextZoom(null, 0.4, 1)).toBe(0.5);
    expect(nextZoom(null, 0.4, -1)).toBe(0.4);
    expect(nextZoom(1, 0.4, 1)).toBe(1.5);
    expect(nextZoom(1, 0.4, -1)).toBe(0.75);
    expect(nextZoom(4, 0.4, 1)).toBe(4);
  });
});
