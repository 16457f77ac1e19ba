/**
 * `npm run preview -- --data <dir> [--port <n>]`: the app in a browser,
 * without Electron (see previewHost.ts). Prints `preview: <url>` and
 * `simulator: <url>` once ready.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startPreview } from './previewHost';

const USAGE = 'Usage: npm run preview -- --data <folder> [--port <n>]';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    port: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help === true) {
  console.log(USAGE);
  process.exit(0);
}
const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number (0–65535).\n${USAGE}`);
  process.exit(2);
}
const dataDir = resolve(values.data ?? '.textdesk-preview');
const host = await startPreview({
  dataDir,
  rendererRoot: resolve(import.meta.dirname, '../../../out/renderer'),
  port,
  onError: (error) => {
    console.error(error);
  },
});
console.log(`data: ${dataDir}`);
console.log(`preview: ${host.url}`);
if (host.simulatorUrl !== null) console.log(`simulator: ${host.simulatorUrl}`);

const stop = (): void => {
  host.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
