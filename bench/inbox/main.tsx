/**
 * The inbox bench page (run by bench/inbox.ts): mounts the app's
 * ConversationList over the real store holding 100,000 conversations, or
 * the trivial anchor list (`?list=trivial`), then measures in this page,
 * each phase waiting for the last, and settles `window.inboxBench`:
 *
 * 1. mount: from just before createRoot().render to the first rows painted;
 * 2. scrolling: a fixed step each animation frame, smooth then in jumps
 *    over the whole list;
 * 3. live texts: `rate` inbound texts a second while scrolling slowly,
 *    applied to the store a few at a time, every couple of milliseconds.
 */
import '@fontsource-variable/inter';
import '../../renderer/src/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConversationList } from '../../renderer/src/components/ConversationList';
import { useStore } from '../../renderer/src/store';
import { buildApi, type ConversationRow, type IpcMethod } from '../../shared/ipc';
import { ACCOUNT, SESSION, makeRows, random, textBody, withText } from './data';
import type { BenchParams, FramePhase, InboxBenchResult, LongFrame } from './result';
import { RESULT_KEY } from './result';
import { TrivialList, trivialItems, type TrivialItem } from './TrivialList';

const query = new URLSearchParams(location.search);
const numberParam = (name: string, fallback: number) => {
  const value = Number(query.get(name) ?? fallback);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const params: BenchParams = {
  list: query.get('list') === 'trivial' ? 'trivial' : 'real',
  conversations: numberParam('conversations', 100_000),
  smoothFrames: numberParam('smooth', 300),
  jumpFrames: numberParam('jumps', 300),
  liveSeconds: numberParam('seconds', 5),
  rate: numberParam('rate', 500),
};
/** Smooth scrolling: px per frame (a quick trackpad flick, a row every frame or so). */
const SMOOTH_STEP = 60;
/** Scrolling while texts arrive: px per second. */
const LIVE_SPEED = 120;
const LIST_SELECTOR = params.list === 'real' ? '.conversation-list' : '.trivial-list';

/** Nothing to talk to: every call answers with nothing, events never come. */
const EMPTY: Partial<Record<IpcMethod, unknown>> = {
  'inbox.conversations': { rows: [], next: null },
  'inbox.messages': { messages: [], more: false },
  'inbox.search': [],
};
Object.defineProperty(window, 'textdesk', {
  value: buildApi(
    (method) => Promise.resolve({ ok: true, value: EMPTY[method] ?? null }),
    () => () => undefined,
  ),
});

const nextFrame = () =>
  new Promise<number>((resolve) => {
    requestAnimationFrame(resolve);
  });

/** Resolves right after the browser has produced the current frame (style, layout, paint). */
const afterFrame = () =>
  new Promise<number>((resolve) => {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        resolve(performance.now());
      };
      channel.port2.postMessage(null);
    });
  });

/** Long Animation Frames, as Chromium reports them (not yet in TypeScript's DOM types). */
interface LoafEntry extends PerformanceEntry {
  readonly styleAndLayoutStart: number;
  readonly scripts: readonly { readonly duration: number }[];
}
const loafs: LoafEntry[] = [];
const loafSupported = PerformanceObserver.supportedEntryTypes.includes('long-animation-frame');
if (loafSupported) {
  new PerformanceObserver((list) => {
    loafs.push(...(list.getEntries() as LoafEntry[]));
  }).observe({ type: 'long-animation-frame', buffered: true });
}

const firstContentfulPaint = new Promise<number>((resolve) => {
  new PerformanceObserver((list) => {
    const entry = list.getEntriesByName('first-contentful-paint')[0];
    if (entry !== undefined) resolve(entry.startTime);
  }).observe({ type: 'paint', buffered: true });
});

function longFramesIn(from: number, to: number): LongFrame[] | null {
  if (!loafSupported) return null;
  return loafs
    .filter((entry) => entry.startTime >= from && entry.startTime < to)
    .map((entry) => ({
      duration: entry.duration,
      scriptMs: entry.scripts.reduce((sum, script) => sum + script.duration, 0),
      styleLayoutMs: Math.max(0, entry.startTime + entry.duration - entry.styleAndLayoutStart),
    }));
}

/**
 * Runs `step` in each animation frame until it returns false, recording the
 * time between frames (requestAnimationFrame's frame start times).
 */
async function recordFrames(step: (frame: number, now: number) => boolean): Promise<FramePhase> {
  const frames: number[] = [];
  const from = performance.now();
  let last = await nextFrame();
  for (let frame = 0; step(frame, last); frame++) {
    const now = await nextFrame();
    frames.push(now - last);
    last = now;
  }
  // Long frames are reported after they end: one more frame lets the last one in.
  await afterFrame();
  return { frames, longFrames: longFramesIn(from, last) };
}

/** The texts that arrive: each moves its conversation to the top with the new text. */
interface Inbox {
  readonly size: () => number;
  /** Applies texts to the conversations at these positions in the list, in one update. */
  readonly receive: (positions: readonly number[], serial: number, at: string) => void;
  readonly topText: () => string;
}

/** Rows the app re-reads from the top after a change (inboxSlice's REFRESH_MAX). */
const REREAD = 500;

function realInbox(rows: readonly ConversationRow[]): Inbox {
  useStore.setState({
    session: SESSION,
    sync: SESSION.sync,
    account: ACCOUNT,
    ids: rows.map((row) => row.id),
    rows: new Map(rows.map((row) => [row.id, row])),
    next: null,
    loaded: true,
  });
  return {
    size: () => useStore.getState().ids.length,
    // As the app takes in a change: the top of the list read again, through the store's own path.
    receive: (positions, serial, at) => {
      const state = useStore.getState();
      const moved: ConversationRow[] = [];
      positions.forEach((position, offset) => {
        const id = state.ids[position];
        const row = id === undefined ? undefined : state.rows.get(id);
        if (row !== undefined) moved.unshift(withText(row, textBody(serial + offset), at));
      });
      const movedIds = new Set(moved.map((row) => row.id));
      const top = [...moved];
      for (const id of state.ids) {
        if (top.length >= REREAD) break;
        const row = state.rows.get(id);
        if (row !== undefined && !movedIds.has(id)) top.push(row);
      }
      state.applyTop(top, REREAD, null);
    },
    topText: () => {
      const state = useStore.getState();
      const id = state.ids[0];
      return id === undefined ? '' : (state.rows.get(id)?.lastMessage?.body ?? '');
    },
  };
}

function trivialInbox(rows: readonly ConversationRow[]): Inbox {
  trivialItems.set(
    rows.map((row) => ({
      id: row.id,
      text: `${row.name === '' ? row.phone : row.name}: ${row.lastMessage?.body ?? ''}`,
    })),
  );
  return {
    size: () => trivialItems.get().length,
    receive: (positions, serial) => {
      const list = trivialItems.get();
      const moved: TrivialItem[] = [];
      positions.forEach((position, offset) => {
        const item = list[position];
        if (item !== undefined) moved.unshift({ id: item.id, text: textBody(serial + offset) });
      });
      const top = new Set<string>();
      const fresh = moved.filter((item) => !top.has(item.id) && top.add(item.id));
      trivialItems.set([...fresh, ...list.filter((item) => !top.has(item.id))]);
    },
    topText: () => trivialItems.get()[0]?.text ?? '',
  };
}

async function run(): Promise<InboxBenchResult> {
  // The bundled font is loaded first, so the first rows are painted with it.
  await document.fonts.load('14px "Inter Variable"');
  await afterFrame();
  const rows = makeRows(params.conversations, Date.now());
  const inbox = params.list === 'real' ? realInbox(rows) : trivialInbox(rows);
  const rootElement = document.getElementById('root');
  if (rootElement === null) throw new Error('index.html has no #root element');
  await afterFrame();

  // 1. Mount. The page has shown no text before this, so the browser's
  // first-contentful-paint is the frame with the first rows on screen.
  const started = performance.now();
  createRoot(rootElement).render(
    <StrictMode>
      <section
        className="list-pane"
        aria-label="Conversation list"
        style={{ width: 340, height: 720 }}
      >
        {params.list === 'real' ? <ConversationList /> : <TrivialList />}
      </section>
    </StrictMode>,
  );
  const listElement = () => document.querySelector(LIST_SELECTOR);
  while ((listElement()?.childElementCount ?? 0) === 0) await nextFrame();
  const mountFrameMs = (await afterFrame()) - started;
  const paint = await Promise.race([
    firstContentfulPaint,
    new Promise<null>((resolve) => setTimeout(resolve, 1000, null)),
  ]);
  const scroller = document.querySelector<HTMLElement>('.conversation-scroll');
  if (scroller === null) throw new Error('the list has no scroll container');
  for (let i = 0; i < 10; i++) await nextFrame();

  // 2. Scrolling: smooth steps from the top, then jumps over the whole list
  // (a scrollbar dragged: every frame shows rows never shown before).
  const scrollSmooth = await recordFrames((frame) => {
    scroller.scrollTop = frame * SMOOTH_STEP;
    return frame < params.smoothFrames;
  });
  const range = scroller.scrollHeight - scroller.clientHeight;
  const scrollJumps = await recordFrames((frame) => {
    scroller.scrollTop = Math.round(((frame * 0.6180339887) % 1) * range);
    return frame < params.jumpFrames;
  });

  // 3. Live texts, while scrolling slowly down from the top.
  scroller.scrollTop = 0;
  for (let i = 0; i < 5; i++) await nextFrame();
  const next = random(7);
  let texts = 0;
  let batches = 0;
  let updateMs = 0;
  const liveStarted = performance.now();
  const arrive = () => {
    const due = Math.floor(((performance.now() - liveStarted) * params.rate) / 1000) - texts;
    if (due <= 0) return;
    const before = performance.now();
    const size = inbox.size();
    const positions = Array.from({ length: due }, () => Math.floor(next() * size));
    inbox.receive(positions, texts, new Date().toISOString());
    updateMs += performance.now() - before;
    texts += due;
    batches += 1;
  };
  const timer = setInterval(arrive, 2);
  const liveFrames = await recordFrames((_frame, now) => {
    scroller.scrollTop = ((now - liveStarted) * LIVE_SPEED) / 1000;
    return now - liveStarted < params.liveSeconds * 1000;
  });
  clearInterval(timer);
  const seconds = (performance.now() - liveStarted) / 1000;

  // What is on screen is what the store says.
  scroller.scrollTop = 0;
  await afterFrame();
  await afterFrame();
  const newest = textBody(texts - 1);
  const first = [...(listElement()?.children ?? [])].find((row) =>
    (row as HTMLElement).style.transform.startsWith('translateY(0px)'),
  );
  return {
    list: params.list,
    conversations: params.conversations,
    mountPaintMs: paint === null ? null : paint - started,
    mountFrameMs,
    scrollSmooth,
    scrollJumps,
    live: { ...liveFrames, texts, batches, seconds, updateMs },
    rowsShown: listElement()?.childElementCount ?? 0,
    newestOnTop: inbox.topText().endsWith(newest) && (first?.textContent.includes(newest) ?? false),
  };
}

Object.assign(window, { [RESULT_KEY]: run() });
