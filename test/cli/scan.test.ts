import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../stream/log-arbitraries.js';
import { ROOT, runCli } from './run-cli.js';

const SEED_PACK = '/work/shared/packs/pci-ai-governance.yaml';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cardveil-scan-'));
  mkdirSync(join(dir, 'logs', 'old'), { recursive: true });
  writeFileSync(join(dir, 'logs', 'app.log'), 'start\nuser paid with 4111 1111 1111 1111 today\nend\n');
  writeFileSync(join(dir, 'logs', 'clean.log'), 'nothing here\nblk_-1608999687919862906 ok\n');
  writeFileSync(join(dir, 'logs', 'old', 'archive.log.gz'), gzipSync('line one\nline two\ncard=5555555555554444\n'));
  writeFileSync(join(dir, 'logs', 'masked.log'), 'card 411111******1111 on file\n');
});

describe('cardveil scan', { timeout: 180_000 }, () => {
  it('reports file, line, column, type, brand and a masked value, and exits 1', async () => {
    const run = await runCli(['scan', 'logs'], { cwd: dir });
    expect(run.code).toBe(1);
    const text = run.stdout.toString();
    expect(text).toContain('logs/app.log:2:16: pan visa 411111******1111 (test card)\n');
    expect(text).toContain('logs/old/archive.log.gz:3:6: pan mastercard 555555******4444 (test card)\n');
    expect(text).not.toContain('masked.log');
    expect(text).toMatch(/cardveil scan: 2 findings in 2 of 4 files\n$/);
    for (const pan of TEST_CARDS) expect(text).not.toContain(pan);
  });

  it('exits 0 when nothing is found, and masked card numbers alone never fail a scan', async () => {
    const clean = await runCli(['scan', 'logs/clean.log'], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(clean.stdout.toString()).toBe('cardveil scan: 0 findings in 0 of 1 file\n');
    const masked = await runCli(['scan', '--include-masked', 'logs/masked.log'], { cwd: dir });
    expect(masked.code).toBe(0);
    expect(masked.stdout.toString()).toContain('logs/masked.log:1:6: masked_pan');
  });

  it('writes JSON with every field', async () => {
    const run = await runCli(['scan', '--format', 'json', 'logs/app.log'], { cwd: dir });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout.toString());
    expect(report.files).toBe(1);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      file: 'logs/app.log',
      line: 2,
      column: 16,
      endLine: 2,
      endColumn: 35,
      type: 'pan',
      brand: 'visa',
      masked: '411111******1111',
      testCard: true,
    });
  });

  it('writes SARIF 2.1.0 with rules, levels and regions', async () => {
    const out = join(dir, 'scan.sarif');
    const run = await runCli(['scan', '--format', 'sarif', '-o', out, 'logs'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout.length).toBe(0);
    const sarif = JSON.parse(readFileSync(out, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    const [runResult] = sarif.runs;
    expect(runResult.tool.driver.name).toBe('cardveil');
    expect(runResult.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['cardveil/pan']);
    expect(runResult.results).toHaveLength(2);
    expect(runResult.results[0]).toMatchObject({
      ruleId: 'cardveil/pan',
      ruleIndex: 0,
      level: 'error',
      message: { text: 'Payment card number (PAN) in clear text (visa): 411111******1111' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'logs/app.log' }, region: { startLine: 2, startColumn: 16, endLine: 2, endColumn: 35 } } }],
    });
  });

  it('skips what .cardveilignore excludes, and --no-ignore brings it back', async () => {
    const root = join(dir, 'ignored');
    mkdirSync(join(root, 'vendor'), { recursive: true });
    writeFileSync(join(root, 'vendor', 'fixture.log'), 'card 4111111111111111\n');
    writeFileSync(join(root, 'test.txt'), 'card 4111111111111111\n');
    writeFileSync(join(root, '.cardveilignore'), '# fixtures hold test cards\nvendor/\n*.txt\n');
    const run = await runCli(['scan', 'ignored'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout.toString()).toBe('cardveil scan: 0 findings in 0 of 1 file\n');
    expect((await runCli(['scan', '--no-ignore', '-q', 'ignored'], { cwd: dir })).code).toBe(1);
  });

  it('exits 2 on a bad option value and 66 on a missing path', async () => {
    expect((await runCli(['scan', '--format', 'xml'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['scan', '--sensitivity', 'max'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['scan', 'nope'], { cwd: dir })).code).toBe(66);
  });

  it('applies --pack: the pack\'s DLP patterns and blocked terms are reported (masked), as scrub --pack acts on them', async () => {
    const file = join(dir, 'dlp.log');
    writeFileSync(file, 'ok line\nauth code AUTH-ABC123XYZ approved\nhere is the cvv spreadsheet\nfine\n');
    const plain = await runCli(['scan', 'dlp.log'], { cwd: dir });
    expect(plain.code).toBe(0);
    const run = await runCli(['scan', '--pack', SEED_PACK, 'dlp.log'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout.toString()).toBe(
      'dlp.log:2:11: custom dlp:AUTH-[0-9A-Z]{6,12} **************\n' +
        'dlp.log:3:13: blocked_term dlp:blocked_term ***************\n' +
        'cardveil scan: 2 findings in 1 of 1 file\n',
    );
    expect(run.stdout.toString()).not.toContain('ABC123XYZ');
    const sarif = JSON.parse((await runCli(['scan', '--pack', SEED_PACK, '--format', 'sarif', 'dlp.log'], { cwd: dir })).stdout.toString());
    expect(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['cardveil/blocked_term', 'cardveil/custom']);
  });

  it('exits 78 on a bad or missing pack', async () => {
    const bad = join(dir, 'bad-pack.yaml');
    writeFileSync(bad, 'pack:\n  name: x\npolicy:\n  pii-detectr: {}\n');
    const run = await runCli(['scan', '--pack', bad, 'logs'], { cwd: dir });
    expect(run.code).toBe(78);
    expect(run.stderr).toMatch(/^cardveil: bad configuration: /);
    expect((await runCli(['scan', '--pack', join(dir, 'missing.yaml'), 'logs'], { cwd: dir })).code).toBe(78);
  });

  it('finds the card data planted in examples/sample.log', async () => {
    const run = await runCli(['scan', '--format', 'json', 'examples/sample.log'], { cwd: ROOT });
    expect(run.code).toBe(1);
    const { findings } = JSON.parse(run.stdout.toString()) as { findings: { type: string }[] };
    const types = new Set(findings.map((f) => f.type));
    for (const type of ['pan', 'track2', 'cvv']) expect(types.has(type)).toBe(true);
  });
});
