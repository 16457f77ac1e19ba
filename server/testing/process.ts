/**
 * Child processes for tests and benchmarks: the real server as an operator
 * runs it, or any other Node script, started, waited for and killed by
 * signal. Every process started here is remembered until it has ended, so
 * `stopAllProcesses()` in an afterEach (and the exit hook below, if the
 * runner itself ends) leaves no orphan behind, even when a test fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's folder: where `server/main.ts` is found from. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface StartedProcess {
  readonly pid: number;
  /** The first line that matched `ready`, with its capture groups. */
  readonly ready: RegExpMatchArray;
  /** Resolves once the process has ended, however it ended. */
  readonly exited: Promise<Exit>;
  /** The end of what it printed, stdout and stderr interleaved: for failure messages. */
  output(): string;
  /** Sends the signal (SIGKILL unless told) and resolves once the process has ended. */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
}

export interface ServerProcess extends StartedProcess {
  /** http://HOST:PORT, from the server's `listening on` line. */
  readonly url: string;
}

const running = new Set<ChildProcess>();
const KEPT_OUTPUT = 64 * 1024;

// If the test runner's own process ends (a crash, a timeout that kills the
// worker), take the children with it rather than leave servers running.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Ends every process started here that is still running, and waits until they have. */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            resolve();
            return;
          }
          child.once('exit', () => {
            resolve();
          });
          child.kill('SIGKILL');
        }),
    ),
  );
  running.clear();
}

/**
 * Starts `node <args>` in the repository's folder, with only the given
 * environment (plus PATH, HOME and TMPDIR), and resolves once it prints a
 * line matching `ready`. Rejects, with what it printed, if it ends first.
 */
export function startProcess(options: {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly ready: RegExp;
}): Promise<StartedProcess> {
  const inherited = Object.fromEntries(
    ['PATH', 'HOME', 'TMPDIR'].flatMap((name) => {
      const value = process.env[name];
      return value === undefined ? [] : [[name, value]];
    }),
  );
  // The runner's own variables (NODE_OPTIONS, a DATABASE_URL of the shell) stay
  // out: the child sees what an operator would set and nothing else.
  const child = spawn(process.execPath, options.args, {
    cwd: ROOT,
    env: { ...inherited, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  let printed = '';
  const keep = (chunk: string): void => {
    printed = (printed + chunk).slice(-KEPT_OUTPUT);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const kill = (signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };

  return new Promise<StartedProcess>((resolve, reject) => {
    // Lines are read off stdout by hand: a readline interface, once closed,
    // would pause the pipe and in time block the child's writes.
    let partial = '';
    const watch = (chunk: string): void => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const match = options.ready.exec(line.replace(/\r$/u, ''));
        if (match === null || child.pid === undefined) continue;
        child.stdout.off('data', watch);
        resolve({ pid: child.pid, ready: match, exited, output: () => printed, kill });
        return;
      }
    };
    child.stdout.on('data', watch);
    child.once('error', (error) => {
      running.delete(child);
      reject(error);
    });
    // 'close' comes after the last of its output, so the message has all of it.
    child.once('close', (code, signal) => {
      reject(
        new Error(
          `node ${options.args.join(' ')} ended (${signal ?? `code ${code}`}) before it was ready:\n${printed}`,
        ),
      );
    });
  });
}

let mediaDir: string | null = null;
const processMediaDir = (): string => (mediaDir ??= mkdtempSync(join(tmpdir(), 'textdesk-media-')));

/**
 * The real server, `server/main.ts` as `npm run server` runs it, with the
 * given settings (PORT=0 and HOST=127.0.0.1 unless told otherwise).
 * Resolves once it prints `listening on http://HOST:PORT`.
 */
export async function startServerProcess(
  env: Readonly<Record<string, string>>,
): Promise<ServerProcess> {
  // node --import tsx runs the TypeScript in this one process; the tsx
  // command would start a second one that a kill of the first leaves behind.
  const started = await startProcess({
    args: ['--import', 'tsx', 'server/main.ts'],
    // Servers of one test share their pictures' folder, as servers sharing a database must.
    env: { PORT: '0', HOST: '127.0.0.1', MEDIA_DIR: processMediaDir(), ...env },
    ready: /^listening on (http:\/\/\S+)$/u,
  });
  const url = started.ready[1];
  if (url === undefined) throw new Error('The server printed no address.');
  return { ...started, url };
}
