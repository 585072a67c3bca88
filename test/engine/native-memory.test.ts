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
  it('frees abandoned databases, streams and async scans: none left alive, RSS bounded', async () => {
    const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', fixture, '8'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      timeout: 120_000,
    });
    const { before, after, databases, live } = JSON.parse(stdout) as {
      before: number;
      after: number;
      databases: number;
      live: { patternSets: number; streams: number; asyncScans: number };
    };
    expect(databases).toBe(3200);
    // Every native object was freed: the exact check.
    expect(live).toEqual({ patternSets: 0, streams: 0, asyncScans: 0 });
    // And the process did not grow without bound. RSS is noisy (allocator arenas, V8 heap sizing:
    // 0-40 MB measured after warm-up); leaking what one iteration holds (~85 KB measured) would add ~140 MB.
    expect(after - before).toBeLessThan(80 * 1024 * 1024);
  }, 180_000);
});
