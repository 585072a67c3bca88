/**
 * `cardveil` command-line entry: dispatches to a command, turns every failure into one line on
 * stderr and a documented exit code (see help.ts). Data goes to stdout, everything else to stderr.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CliError, toCliError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { MAIN_HELP } from './help.js';

type Command = (argv: string[]) => Promise<number>;

/** Commands owned by other modules are loaded on use, so a missing one fails alone, clearly. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  scrub: async () => (await import('./scrub-command.js')).scrubCommand,
  scan: async () => (await import('./scan-command.js')).scanCommand,
  serve: async () => (await importOptional('../gateway/command.js', 'serve')).serveCommand as Command,
  audit: async () => (await importOptional('../audit/command.js', 'audit')).auditCommand as Command,
  events: async () => (await importOptional('../audit/command.js', 'events')).eventsCommand as Command,
  export: async () => (await importOptional('../audit/command.js', 'export')).exportCommand as Command,
};

/** Runs the CLI; resolves with the exit code (never throws). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  // A reader that stops early (`cardveil scan . | head`) closes stdout. Without a listener the
  // next write would crash the process with a stack trace. A closed pipe is the reader's choice
  // (the command's own exit code stands); any other write error is an I/O failure.
  let stdoutError: NodeJS.ErrnoException | undefined;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    stdoutError ??= error;
  });
  try {
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      (name === undefined ? process.stderr : process.stdout).write(MAIN_HELP);
      return name === undefined ? EXIT.USAGE : EXIT.OK;
    }
    if (name === '-v' || name === '--version') {
      process.stdout.write(`${version()}\n`);
      return EXIT.OK;
    }
    const load = COMMANDS[name];
    if (!load) throw new CliError('ERR_USAGE', `unknown command "${name}" (run cardveil --help)`);
    const command = await load();
    const code = await command(rest);
    if (stdoutError && stdoutError.code !== 'EPIPE') throw new CliError('ERR_IO', `cannot write to stdout: ${stdoutError.message}`);
    return code;
  } catch (error) {
    const cliError = toCliError(error);
    process.stderr.write(`cardveil: ${cliError.message}\n`);
    if (cliError.exitCode === EXIT.SOFTWARE && process.env['CARDVEIL_DEBUG']) process.stderr.write(`${String((error as Error).stack)}\n`);
    return cliError.exitCode;
  }
}

async function importOptional(specifier: string, command: string): Promise<Record<string, unknown>> {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(specifier.replace('../', '').replace('.js', ''))) {
      throw new CliError('ERR_USAGE', `the "${command}" command is not available in this build`);
    }
    throw error;
  }
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

// Run when executed directly (`node --import tsx lib/cli/main.ts`, `node dist/cli/main.js`).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
