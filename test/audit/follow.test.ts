/** `cardveil events --follow` in a real child process, while another writer appends and rotates. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AuditTrail } from '../../lib/audit/trail.js';

const MAIN = fileURLToPath(new URL('../../lib/cli/main.ts', import.meta.url));
const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

const entry = (i: number, verdict: string) => ({
  event: 'gateway.request', request_id: `f-${i}`, actor: 'anonymous', source: '127.0.0.1', resource: 'POST /v1/embeddings',
  outcome: 'success' as const, pack: { name: 'p', version: '1', hash: 'h' }, verdict, reasons: [], counts: {}, finding_types: [], latency_ms: 1,
});

describe('cardveil events --follow', () => {
  it('prints matching records as they are appended, across a rotation, until SIGTERM', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cardveil-follow-')), 'audit.jsonl');
    const trail = new AuditTrail({ path, rotateBytes: 1200 }); // ~3 records per file
    trail.append(entry(0, 'blocked')); // before following: -n 0 hides it
    const child = spawn(process.execPath, ['--import', TSX, MAIN, 'events', path, '--follow', '-n', '0', '--verdict', 'blocked', '--json'], {
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const seen = (n: number) =>
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (out.trim().split('\n').filter(Boolean).length >= n) resolve();
        };
        child.stdout.on('data', (d: Buffer) => {
          out += String(d);
          check();
        });
        check();
      });
    // Wait until the child has taken the file's current size as its starting point.
    await new Promise<void>((resolve) => {
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += String(d);
        if (err.includes(`following ${path}`)) resolve();
      });
    });
    for (let i = 1; i <= 6; i++) trail.append(entry(i, i % 2 === 0 ? 'blocked' : 'allowed'));
    await seen(3);
    trail.close();
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const ids = out.trim().split('\n').map((l) => (JSON.parse(l) as { request_id: string }).request_id);
    expect(ids).toEqual(['f-2', 'f-4', 'f-6']);
    expect(existsSync(`${path}.2`)).toBe(true); // the records really crossed rotations
  }, 60_000);
});
