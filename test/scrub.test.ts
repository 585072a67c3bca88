import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scrub, Scrubber } from '../lib/scrub.js';

const SEED = '/work/shared/packs/pci-ai-governance.yaml';
const engine = 'javascript' as const;
const seed = Scrubber.create({ pack: SEED, engine });
const plain = Scrubber.create({ engine });

describe('scrub()', () => {
  it('redacts card data with the default pack in one call', () => {
    expect(scrub('paid with 4111-1111-1111-1111 ok')).toBe('paid with [REDACTED:PAN] ok');
    expect(scrub('nothing to see')).toBe('nothing to see');
  });

  it('takes a pack path', () => {
    expect(scrub('send the full card dump', { pack: SEED })).toBe('[BLOCKED:dlp-filter]');
  });
});

describe('Scrubber.scrubText', () => {
  it('returns verdict, counts and the links it could not apply', () => {
    const r = seed.scrubText('card 5555555555554444');
    expect(r).toMatchObject({
      output: 'card [REDACTED:PAN brand=mastercard last4=4444]',
      verdict: 'redacted',
      counts: { pan: 1 },
      findings: 1,
      notApplied: ['data-routing-policy', 'audit-logger'],
    });
  });
});

describe('Scrubber.scrubBuffer', () => {
  it('turns a line the DLP filter blocks into one marker line and redacts the rest', () => {
    const input = Buffer.from('start ok\nuser sent track 2 data here 4111111111111111\ncard 5555555555554444 end\n');
    const r = seed.scrubBuffer(input);
    expect(r.output.toString()).toBe('start ok\n[BLOCKED:dlp-filter]\ncard [REDACTED:PAN brand=mastercard last4=4444] end\n');
    expect(r.verdict).toBe('blocked');
    expect(r.counts).toEqual({ blocked_term: 1, pan: 2 });
  });

  it('passes binary and invalid UTF-8 through byte for byte', () => {
    const input = Buffer.concat([Buffer.from([0x00, 0xff, 0xc3, 0x28]), Buffer.from(' 4111111111111111 '), Buffer.from([0xe2, 0x82])]);
    const r = plain.scrubBuffer(input);
    expect(r.output.equals(Buffer.concat([Buffer.from([0x00, 0xff, 0xc3, 0x28]), Buffer.from(' [REDACTED:PAN] '), Buffer.from([0xe2, 0x82])]))).toBe(true);
  });

  it('returns clean input without copying it', () => {
    const input = Buffer.from('2026-11-27 INFO nothing here\n');
    const r = plain.scrubBuffer(input);
    expect(r.verdict).toBe('allowed');
    expect(r.output.buffer).toBe(input.buffer);
  });

  it('finds no card data in the real loghub logs and leaves them byte-identical', () => {
    const input = readFileSync('/work/shared/corpus/loghub/HDFS_2k.log');
    const r = plain.scrubBuffer(input);
    expect(r.counts.pan ?? 0).toBe(0);
    expect(r.output.equals(input)).toBe(r.findings === 0);
  });

  it('property: text and buffer paths agree on ASCII lines', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('ok line', 'card 4111111111111111', 'amex 378282246310005 x', 'ts 1700000000000', 'masked 411111******1111'), { maxLength: 8 }),
        (lines) => {
          const text = lines.join('\n');
          expect(plain.scrubBuffer(Buffer.from(text)).output.toString()).toBe(plain.scrubText(text).output);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('worker data', () => {
  it('survives structured clone and rebuilds an equal Scrubber in a real worker thread', async () => {
    const data = seed.toWorkerData();
    const cloned = structuredClone(data);
    expect(cloned.pack).toEqual(seed.pack);
    const worker = new Worker(new URL('./policy/scrub-worker.mjs', import.meta.url), { workerData: data });
    try {
      const input = Buffer.from('a 4111111111111111\ncvv spreadsheet\n');
      const reply = await new Promise<{ output: Uint8Array; verdict: string }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage(input);
      });
      expect(Buffer.from(reply.output).toString()).toBe(seed.scrubBuffer(input).output.toString());
      expect(reply.verdict).toBe('blocked');
    } finally {
      await worker.terminate();
    }
  });
});

describe('detect() beside scrub()', () => {
  it('reports findings with spans and no values unless asked', async () => {
    const { detect } = await import('../lib/scrub.js');
    const findings = detect('card 4111111111111111');
    expect(findings.map((f) => [f.type, f.start, f.end, f.brand, f.value])).toEqual([['pan', 5, 21, 'visa', undefined]]);
  });
});

describe('fail closed on the Buffer and text paths', () => {
  it('blocks everything when redaction fails (vault closed under it)', () => {
    const s = Scrubber.create({
      engine,
      pack: {
        pack: { name: 'v', version: '1' },
        policy: { 'pii-detector': { redaction: { marker_format: 'vault', keys: [{ id: 'k1', secret_key_ref: { env: 'K' } }], vault: { path: ':memory:' } } } },
      },
      env: { K: 'k'.repeat(32) },
    });
    s.close();
    const text = 'ok\ncard 4111111111111111\n';
    const b = s.scrubBuffer(Buffer.from(text));
    expect(b.output.toString()).toBe('[BLOCKED:internal_error]\n');
    expect(b.verdict).toBe('blocked');
    expect(b.reasons).toEqual([
      { link: 'pii-detector', code: 'card_data_redacted', message: '1 finding(s) redacted: pan 1' },
      { link: 'chain', code: 'internal_error', message: 'detection or redaction failed (RedactionError ERR_VAULT); input withheld' },
    ]);
    const t = s.scrubText(text);
    expect(t.output).toBe('[BLOCKED:internal_error]');
    expect(t.reasons).toEqual([
      { link: 'pii-detector', code: 'card_data_redacted', message: '1 finding(s) redacted: pan 1' },
      { link: 'chain', code: 'internal_error', message: 'chain failed (RedactionError ERR_VAULT); input withheld' },
    ]);
  });
});
