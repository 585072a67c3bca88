import { once } from 'node:events';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { Scrubber } from '../../lib/scrub.js';
import { TEST_CARDS } from '../stream/log-arbitraries.js';
import { ROOT, runCli, spawnCli } from './run-cli.js';

const SAMPLE = readFileSync(join(ROOT, 'examples/sample.log'));
const SEED_PACK = '/work/shared/packs/pci-ai-governance.yaml';
let scrubber: Scrubber;
let expected: Buffer;
let dir: string;

beforeAll(() => {
  scrubber = Scrubber.create();
  expected = scrubber.scrubBuffer(SAMPLE).output;
  dir = mkdtempSync(join(tmpdir(), 'cardveil-cli-'));
});

function containsCard(data: Buffer | string): boolean {
  return TEST_CARDS.some((pan) => data.includes(pan));
}

describe('cardveil (top level)', { timeout: 120_000 }, () => {
  it('prints help with the commands and exit codes, exit 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.toString()).toContain('scrub [PATH ...]');
    expect(run.stdout.toString()).toContain('78  bad configuration');
    for (const command of ['scrub', 'scan']) {
      const help = await runCli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout.toString()).toMatch(new RegExp(`^Usage: cardveil ${command} \\[options\\] \\[PATH \\.\\.\\.\\]\n`));
    }
  });

  it('exits 2 with a message for no command and for an unknown command', async () => {
    expect((await runCli([])).code).toBe(2);
    const run = await runCli(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('cardveil: unknown command "frobnicate" (run cardveil --help)\n');
  });
});

describe('cardveil scrub', { timeout: 180_000 }, () => {
  it('scrubs stdin to stdout exactly like the library, with a per-type summary on stderr', async () => {
    const run = await runCli(['scrub', '--threads', '2'], { input: SAMPLE });
    expect(run.code).toBe(0);
    expect(run.stdout.equals(expected)).toBe(true);
    expect(containsCard(run.stdout)).toBe(false);
    expect(run.stderr).toMatch(/^cardveil scrub: 1 input, .*: \d+ findings\n/);
    expect(run.stderr).toMatch(/\n {2}pan +\d+\n/);
  });

  it('gives the same output with one thread and with two, over many segments (worker and main thread both scrubbing)', async () => {
    // ~3 MB: several 1 MiB segments, so the second thread's worker gets some of them.
    const input = join(dir, 'threads.log');
    const content = Buffer.concat(Array.from({ length: Math.ceil(3e6 / SAMPLE.length) }, (_, i) => Buffer.concat([Buffer.from(`--- block ${i} ---\n`), SAMPLE])));
    writeFileSync(input, content);
    const whole = scrubber.scrubBuffer(content).output;
    for (const threads of ['1', '2']) {
      const out = join(dir, `threads-${threads}`);
      const run = await runCli(['scrub', input, '-o', out, '--threads', threads, '-q']);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(readFileSync(join(out, 'threads.log')).equals(whole)).toBe(true);
    }
    const one = await runCli(['scrub', '--threads', '1', '-q'], { input: SAMPLE });
    expect(one.code).toBe(0);
    expect(one.stdout.equals(expected)).toBe(true);
  });

  it('writes files and directory trees to -o DIR with the same relative names', async () => {
    const input = join(dir, 'tree');
    mkdirSync(join(input, 'nested'), { recursive: true });
    writeFileSync(join(input, 'a.log'), SAMPLE);
    writeFileSync(join(input, 'nested', 'b.log'), SAMPLE);
    const out = join(dir, 'out-tree');
    const run = await runCli(['scrub', input, '-o', out, '--report', join(dir, 'report.json')]);
    expect(run.code).toBe(0);
    expect(readFileSync(join(out, 'a.log')).equals(expected)).toBe(true);
    expect(readFileSync(join(out, 'nested', 'b.log')).equals(expected)).toBe(true);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.command).toBe('scrub');
    expect(report.files).toHaveLength(2);
    expect(report.files[0]).toMatchObject({ input: join(input, 'a.log'), output: join(out, 'a.log'), gzip: false, bytesIn: SAMPLE.length });
    expect(report.totals.findings).toBe(2 * scrubber.scrubBuffer(SAMPLE).findings);
    expect(report.totals.counts.pan).toBe(2 * (scrubber.scrubBuffer(SAMPLE).counts['pan'] ?? 0));
  });

  it('rewrites --in-place atomically and keeps the file mode', async () => {
    const file = join(dir, 'inplace.log');
    writeFileSync(file, SAMPLE);
    chmodSync(file, 0o640);
    const run = await runCli(['scrub', '--in-place', file]);
    expect(run.code).toBe(0);
    expect(readFileSync(file).equals(expected)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('round-trips gzip: gzip file in, gzip file out; gzip stdin in, gzip stdout out', async () => {
    const file = join(dir, 'app.log.gz');
    writeFileSync(file, gzipSync(SAMPLE));
    const out = join(dir, 'out-gz');
    expect((await runCli(['scrub', file, '-o', out])).code).toBe(0);
    const written = readFileSync(join(out, 'app.log.gz'));
    expect(written.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(written).equals(expected)).toBe(true);

    const piped = await runCli(['scrub'], { input: gzipSync(SAMPLE) });
    expect(piped.code).toBe(0);
    expect(gunzipSync(piped.stdout).equals(expected)).toBe(true);
  });

  it('passes binary data and invalid UTF-8 through byte for byte outside redacted spans', async () => {
    const binary = Buffer.from([0x00, 0xff, 0xfe, 0xc3, 0x28, 0x0a, 0x80, 0x81, 0x1b]);
    const input = Buffer.concat([binary, Buffer.from(' card 4111 1111 1111 1111 '), binary]);
    const run = await runCli(['scrub', '-q'], { input });
    expect(run.code, `signal ${run.signal}: ${run.stderr}`).toBe(0);
    expect(run.stdout.subarray(0, binary.length).equals(binary)).toBe(true);
    expect(run.stdout.subarray(run.stdout.length - binary.length).equals(binary)).toBe(true);
    expect(run.stdout.equals(scrubber.scrubBuffer(input).output)).toBe(true);
    expect(containsCard(run.stdout)).toBe(false);
  });

  it('keeps every JSON line valid with --format jsonl', async () => {
    const input = [
      JSON.stringify({ msg: 'paid', card: '4111-1111-1111-1111' }),
      JSON.stringify({ msg: 'ok', n: 5 }),
      JSON.stringify({ pan: 5555555555554444 }),
    ].join('\n');
    const run = await runCli(['scrub', '--format', 'jsonl', '-q'], { input });
    expect(run.code).toBe(0);
    const lines = run.stdout.toString().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(containsCard(run.stdout)).toBe(false);
    expect(lines[1]).toBe(JSON.stringify({ msg: 'ok', n: 5 }));
  });

  it('applies --pack: the seed pack blocks a line with a blocked term', async () => {
    const run = await runCli(['scrub', '--pack', SEED_PACK, '-q'], { input: 'fine\nhere is the cvv spreadsheet\nfine too\n' });
    expect(run.code, `signal ${run.signal}: ${run.stderr}`).toBe(0);
    expect(run.stdout.toString()).toBe('fine\n[BLOCKED:dlp-filter]\nfine too\n');
  });

  it('exits 78 on a bad pack, 2 on bad usage, 66 on a missing input', async () => {
    const badPack = join(dir, 'bad.yaml');
    writeFileSync(badPack, 'pack:\n  name: x\npolicy:\n  pii-detectr: {}\n');
    const bad = await runCli(['scrub', '--pack', badPack]);
    expect(bad.code).toBe(78);
    expect(bad.stderr).toMatch(/^cardveil: bad configuration: /);
    expect((await runCli(['scrub', '--pack', join(dir, 'missing.yaml')])).code).toBe(78);

    const usage = [
      ['scrub', '--format', 'xml'],
      ['scrub', '--threads', '0'],
      ['scrub', 'a.log'],
      ['scrub', '--in-place'],
      ['scrub', '-o', 'x', '--in-place', 'a.log'],
      ['scrub', '--bogus'],
    ];
    for (const args of usage) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(/^cardveil: /);
    }
    const missing = await runCli(['scrub', join(dir, 'nope.log'), '-o', join(dir, 'o')]);
    expect(missing.code).toBe(66);
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    const cantCreate = await runCli(['scrub', join(ROOT, 'examples/sample.log'), '-o', join(blocker, 'sub')]);
    expect(cantCreate.code).toBe(73);
    expect(cantCreate.stderr).toMatch(/^cardveil: cannot create .*a-file\/sub: ENOTDIR/);
  });
});

describe('cardveil scrub as a filter in a pipeline', { timeout: 180_000 }, () => {
  it('ends quietly with exit 0 when the reader closes the pipe early (| head)', async () => {
    const input = join(dir, 'long.log');
    writeFileSync(input, Buffer.concat(Array.from({ length: 4000 }, () => SAMPLE))); // ~10 MB
    const fd = openSync(input, 'r');
    const child = spawnCli(['scrub', '--threads', '2'], [fd, 'pipe', 'pipe']);
    closeSync(fd);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const first = await new Promise<Buffer>((resolve) => child.stdout!.once('data', resolve));
    child.stdout!.destroy(); // like head: read a little, then close the read end of the pipe
    const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    expect(first.length).toBeGreaterThan(0);
    expect(containsCard(first)).toBe(false);
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
  });

  it('writes complete lines while stdin stays open (tail -f | cardveil scrub), and still catches a card split across writes', async () => {
    const child = spawnCli(['scrub', '--threads', '1', '-q']);
    const out: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    const arrived = async (text: string): Promise<void> => {
      for (let waited = 0; !Buffer.concat(out).includes(text); waited += 50) {
        if (waited > 60_000) throw new Error(`"${text}" did not arrive while stdin was open`);
        await delay(50);
      }
    };
    const lines = ['user alice logged in\n', 'card 4111 1111 ', '1111 1111 accepted for user bob\n', 'session closed\n'];
    child.stdin!.write(lines[0]);
    await arrived('user alice logged in\n');
    child.stdin!.write(lines[1]); // half a card number, then a pause longer than the idle flush
    await delay(400);
    child.stdin!.write(lines[2]);
    child.stdin!.write(lines[3]);
    await arrived('session closed\n');
    const live = Buffer.concat(out);
    child.stdin!.end();
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).toBe(0);
    expect(containsCard(live)).toBe(false);
    expect(live.toString()).not.toContain('4111 1111');
    expect(Buffer.concat(out).equals(scrubber.scrubBuffer(Buffer.from(lines.join(''))).output)).toBe(true);
  });

  it('reads stdin redirected from a file from its current offset and writes stdout redirected to a file (< in.log > out.log), gzip too', async () => {
    const run = async (input: Buffer, skip: number): Promise<Buffer> => {
      const inFile = join(dir, 'redirect.in');
      const outFile = join(dir, 'redirect.out');
      writeFileSync(inFile, input);
      writeFileSync(outFile, '');
      const inFd = openSync(inFile, 'r');
      const outFd = openSync(outFile, 'w');
      readSync(inFd, Buffer.alloc(skip), 0, skip, null); // a shell may have consumed part of stdin already
      const child = spawnCli(['scrub', '-q', '--threads', '2'], [inFd, outFd, 'pipe']);
      closeSync(inFd);
      closeSync(outFd);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const [code] = (await once(child, 'close')) as [number | null];
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      return readFileSync(outFile);
    };
    const big = Buffer.concat(Array.from({ length: 2000 }, () => SAMPLE)); // several segments
    expect((await run(big, 0)).equals(scrubber.scrubBuffer(big).output)).toBe(true);
    const rest = SAMPLE.subarray(SAMPLE.indexOf(0x0a) + 1);
    expect((await run(SAMPLE, SAMPLE.indexOf(0x0a) + 1)).equals(scrubber.scrubBuffer(rest).output)).toBe(true);
    expect(gunzipSync(await run(gzipSync(SAMPLE), 0)).equals(expected)).toBe(true);
  });

  it('reports CPU time and peak memory in --report', async () => {
    const report = join(dir, 'resources.json');
    const run = await runCli(['scrub', '-q', '--threads', '1', '--report', report], { input: SAMPLE });
    expect(run.code).toBe(0);
    const { resources } = JSON.parse(readFileSync(report, 'utf8')) as { resources: { cpuMs: number; userMs: number; systemMs: number; maxRssBytes: number } };
    expect(resources.cpuMs).toBeGreaterThanOrEqual(0);
    expect(Math.abs(resources.userMs + resources.systemMs - resources.cpuMs)).toBeLessThanOrEqual(1); // each rounded
    expect(resources.maxRssBytes).toBeGreaterThan(10_000_000); // a Node process with the database loaded
  });
});
