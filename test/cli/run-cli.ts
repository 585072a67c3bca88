/** Runs the real CLI (TypeScript source through tsx) in a child process. */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../lib/cli/main.ts', import.meta.url));
/** tsx's loader by absolute URL, so the child can run from any working directory. */
const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

export interface CliRun {
  readonly code: number | null;
  /** Set when the child was killed by a signal (then `code` is null). */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Starts the real CLI without waiting for it (for tests that talk to it while it runs). */
export function spawnCli(args: readonly string[], stdio: StdioOptions = ['pipe', 'pipe', 'pipe']): ChildProcess {
  return spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio });
}

export function runCli(
  args: readonly string[],
  options: { input?: Buffer | string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NODE_OPTIONS: '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString() }));
    child.stdin.on('error', () => {}); // the CLI may exit before reading stdin (usage errors)
    child.stdin.end(options.input ?? '');
  });
}
