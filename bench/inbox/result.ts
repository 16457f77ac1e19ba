/** What the inbox bench page (bench/inbox/main.tsx) hands back to bench/inbox.ts. */

export type ListKind = 'real' | 'trivial';

/** One stretch of animation frames. */
export interface FramePhase {
  /** Milliseconds between consecutive requestAnimationFrame timestamps. */
  readonly frames: readonly number[];
  /** Long Animation Frames (≥ 50 ms) the browser reported in this stretch; null without the API. */
  readonly longFrames: readonly LongFrame[] | null;
}

export interface LongFrame {
  readonly duration: number;
  /** Time in that frame's scripts (those of 5 ms or more, which the API lists), and in style and layout. */
  readonly scriptMs: number;
  readonly styleLayoutMs: number;
}

export interface InboxBenchResult {
  readonly list: ListKind;
  readonly conversations: number;
  /** performance.now() before createRoot().render to first-contentful-paint (the first rows' text). */
  readonly mountPaintMs: number | null;
  /** The same start to the end of the main thread's work on the first frame with rows in the DOM. */
  readonly mountFrameMs: number;
  readonly scrollSmooth: FramePhase;
  readonly scrollJumps: FramePhase;
  readonly live: FramePhase & {
    readonly texts: number;
    readonly batches: number;
    readonly seconds: number;
    /** Milliseconds spent inside the store updates themselves (the texts' own cost). */
    readonly updateMs: number;
  };
  /** Rows in the DOM at the end, and whether the newest text's row is shown first. */
  readonly rowsShown: number;
  readonly newestOnTop: boolean;
}

export interface BenchParams {
  readonly list: ListKind;
  readonly conversations: number;
  readonly smoothFrames: number;
  readonly jumpFrames: number;
  readonly liveSeconds: number;
  readonly rate: number;
}

/** Where the page puts its promise of the figures, on `window`. */
export const RESULT_KEY = 'inboxBench';
