/**
 * `npm run server`: the messaging backend for a team. Settings come from the
 * environment; `npm run server -- --help` lists them.
 */
import { startServer } from './app';
import { helpText, loadConfig } from './config';

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(helpText());
    return;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    console.error('\nRun npm run server -- --help for the settings.');
    process.exitCode = 2;
    return;
  }
  const server = await startServer(config);
  console.log(`listening on ${server.url}`);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
