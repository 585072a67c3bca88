// Abandoning native databases, unclosed streams and in-flight async scans to the garbage collector
// neither crashes nor leaks: a child process (with --expose-gc) churns through thousands of them
// and its resident set size must stop growing after warm-up.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./fixtures/abandon.ts', import.meta.url));

describe('native memory', () => {
  it('frees abandoned databases and streams: RSS stays bounded over 3,200 more databases', async () => {
    const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', fixture, '8'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      timeout: 120_000,
    });
    const { before, after, databases } = JSON.parse(stdout) as { before: number; after: number; databases: number };
    expect(databases).toBe(3200);
    // Each database holds tens of KB of native memory (block + stream database, scratch): leaking
    // them would add far more than this bound (measured growth after warm-up: 0-12 MB).
    expect(after - before).toBeLessThan(24 * 1024 * 1024);
  }, 180_000);
});
