import { describe, expect, it } from 'vitest';
import { checkAttach, checkSend, shrunkSentence } from './limits';

const MB = 1024 * 1024;

describe('attaching files', () => {
  it('refuses a file over 25 MB and an empty one, taking the rest', () => {
    const result = checkAttach(0, [
      { name: 'ok.jpg', size: 2 * MB },
      { name: 'huge.mov', size: 30 * MB },
      { name: 'empty.txt', size: 0 },
    ]);
    expect(result.accepted.map((file) => file.name)).toEqual(['ok.jpg']);
    expect(result.refused).toEqual([
      '“huge.mov” is 30.0 MB; files can be at most 25 MB.',
      '“empty.txt” is empty.',
    ]);
  });

  it('takes at most 10 files in all, naming those left out', () => {
    const picked = Array.from({ length: 4 }, (_, index) => ({
      name: `p${String(index)}.jpg`,
      size: 10,
    }));
    const result = checkAttach(8, picked);
    expect(result.accepted.map((file) => file.name)).toEqual(['p0.jpg', 'p1.jpg']);
    expect(result.refused).toEqual([
      'A text carries at most 10 files, so “p2.jpg”, “p3.jpg” were not attached.',
    ]);
  });
});

describe('sending files in one MMS', () => {
  it('says nothing when they fit', () => {
    expect(checkSend([{ filename: 'a.jpg', kind: 'image', size: 4 * MB }])).toEqual({
      blocked: null,
      notice: null,
    });
    expect(checkSend([])).toEqual({ blocked: null, notice: null });
  });

  it('says pictures will be made smaller when the total is over 5 MB', () => {
    const check = checkSend([
      { filename: 'a.jpg', kind: 'image', size: 4 * MB },
      { filename: 'b.jpg', kind: 'image', size: 3 * MB },
      { filename: 'menu.pdf', kind: 'pdf', size: MB },
    ]);
    expect(check.blocked).toBeNull();
    expect(check.notice).toBe(
      'The files are 8.0 MB, over the 5 MB MMS limit: pictures will be made smaller automatically to fit.',
    );
  });

  it('blocks when files that cannot shrink are over the limit, naming them', () => {
    const check = checkSend([
      { filename: 'a.jpg', kind: 'image', size: MB },
      { filename: 'scan.pdf', kind: 'pdf', size: 6 * MB },
    ]);
    expect(check.blocked).toBe(
      'Files can be 5 MB in all in one MMS; “scan.pdf” (6.0 MB) is more than that. Pictures are made smaller automatically, other files cannot be.',
    );
    expect(
      checkSend([
        { filename: 'talk.mp4', kind: 'video', size: 3 * MB },
        { filename: 'song.mp3', kind: 'audio', size: 3 * MB },
      ]).blocked,
    ).toContain('“talk.mp4” (3.0 MB), “song.mp3” (3.0 MB) are more than that');
  });

  it('blocks files phones would not show', () => {
    expect(checkSend([{ filename: 'setup.exe', kind: 'file', size: 10 }]).blocked).toBe(
      '“setup.exe” is not a picture, PDF, contact card, audio or video, so phones would not show it. Remove it to send.',
    );
  });

  it('tells the agent how many pictures were shrunk', () => {
    expect(shrunkSentence(0)).toBeNull();
    expect(shrunkSentence(1)).toBe('1 picture was made smaller to fit the 5 MB MMS limit.');
    expect(shrunkSentence(2)).toBe('2 pictures were made smaller to fit the 5 MB MMS limit.');
  });
});
