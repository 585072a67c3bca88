/** `cardveil serve` as users run it: the real CLI in a child process, a YAML pack, the openai client. */
import OpenAI from 'openai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTrail } from '../../lib/audit/verify.js';
import { ENV, seedPack } from './packs.js';
import { startUpstream, type Upstream } from './upstream.js';

const MAIN = fileURLToPath(new URL('../../lib/cli/main.ts', import.meta.url));
const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

function cli(args: string[], env: NodeJS.ProcessEnv) {
  return spawn(process.execPath, ['--import', TSX, MAIN, ...args], { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => upstream.close());

describe('cardveil serve', () => {
  it('serves the openai client until SIGTERM, then exits 0 with a verifiable trail', async () => {
    const { pack, auditPath } = seedPack(upstream.url);
    const packFile = join(mkdtempSync(join(tmpdir(), 'cardveil-serve-')), 'pack.yaml');
    writeFileSync(packFile, stringify(pack));
    const child = cli(['serve', '--pack', packFile, '--port', '0'], ENV);
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += String(d);
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
    expect(stderr).toContain('pack pci-ai-governance 1.0.0; default target pci-zdr -> http://127.0.0.1:');
    expect(stderr).toContain(`audit ${auditPath}`);

    const client = new OpenAI({ apiKey: 'k', baseURL: url, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'gpt-5.4-mini-mini', messages: [{ role: 'user', content: 'card 5555555555554444 please' }] });
    expect(answer.choices[0]!.message.content).toMatch(/^card \[REDACTED:PAN[^\]]*\] please$/);
    expect(upstream.received.at(-1)!.body).not.toContain('5555555555554444');

    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const report = await verifyTrail(auditPath);
    expect(report).toMatchObject({ ok: true, records: 1 });
    expect(readFileSync(auditPath, 'utf8')).not.toContain('5555555555554444');
  }, 60_000);

  it('exits 78 naming the missing provider key, and 2 without --pack', async () => {
    const { pack } = seedPack(upstream.url);
    const packFile = join(mkdtempSync(join(tmpdir(), 'cardveil-serve-')), 'pack.yaml');
    writeFileSync(packFile, stringify(pack));
    const run = (args: string[], env: NodeJS.ProcessEnv) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = cli(args, env);
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    const missing = await run(['serve', '--pack', packFile, '--port', '0'], { OPENAI_API_KEY: '' });
    expect(missing).toEqual({ code: 78, stderr: 'cardveil: target "pci-zdr": environment variable OPENAI_API_KEY is not set or empty\n' });
    const usage = await run(['serve'], {});
    expect(usage.code).toBe(2);
    expect(usage.stderr.split('\n')[0]).toBe('cardveil: serve needs --pack PACK.yaml');
  }, 60_000);
});
