import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditError } from '../../lib/audit/errors.js';
import type { AuditEntry } from '../../lib/audit/record.js';
import { safeText } from '../../lib/audit/sanitize.js';
import { AuditTrail } from '../../lib/audit/trail.js';
import { verifyTrail } from '../../lib/audit/verify.js';

const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const fixedNow = () => new Date('2026-11-27T12:00:00.000Z');

function entry(i: number, fields: Partial<AuditEntry> = {}): AuditEntry {
  return {
    event: 'gateway.request',
    request_id: `req-${i}`,
    actor: 'key:0a1b2c3d',
    source: '127.0.0.1',
    resource: 'POST /v1/chat/completions',
    outcome: 'success',
    pack: { name: 'pci-ai-governance', version: '1.0.0', hash: 'abc' },
    verdict: i % 3 === 0 ? 'redacted' : 'allowed',
    reasons: [],
    counts: i % 3 === 0 ? { 'pci.pan': 1 } : {},
    finding_types: i % 3 === 0 ? ['pan'] : [],
    latency_ms: 0.1234567,
    ...fields,
  };
}

function freshTrail(n: number, options: { rotateBytes?: number; hmacKey?: Buffer } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'cardveil-audit-'));
  const path = join(dir, 'audit.jsonl');
  const trail = new AuditTrail({ path, now: fixedNow, ...options });
  for (let i = 1; i <= n; i++) trail.append(entry(i));
  trail.close();
  return path;
}

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').slice(0, -1);
const writeLines = (path: string, l: string[]): void => writeFileSync(path, l.map((x) => `${x}\n`).join(''));

describe('AuditTrail', () => {
  it('writes one sealed JSON line per record with the documented fields, in order', () => {
    const path = freshTrail(2);
    const [first, second] = lines(path).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(first!)).toEqual([
      'v', 'seq', 'time', 'event', 'request_id', 'actor', 'source', 'resource', 'outcome', 'pack',
      'verdict', 'reasons', 'counts', 'finding_types', 'latency_ms', 'alg', 'prev', 'hash',
    ]);
    expect(first).toMatchObject({ v: 1, seq: 1, time: '2026-11-27T12:00:00.000Z', alg: 'sha256', prev: '', latency_ms: 0.123 });
    expect(second!.seq).toBe(2);
    expect(second!.prev).toBe(first!.hash);
    expect(first!.hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('writes non-ASCII fields byte for byte, batched or rotating, and the chain verifies', async () => {
    for (const rotateBytes of [0, 100_000]) {
      const dir = mkdtempSync(join(tmpdir(), 'cardveil-audit-'));
      const path = join(dir, 'audit.jsonl');
      const trail = new AuditTrail({ path, now: fixedNow, rotateBytes });
      const sealed = [1, 2, 3].map((i) => trail.append(entry(i, { actor: `usér-${i} \u{1F600} \ud800`, source: 'ＩＰ' })));
      trail.close();
      const written = lines(path);
      expect(written).toHaveLength(3);
      expect(written.map((l) => (JSON.parse(l) as { hash: string }).hash)).toEqual(sealed.map((r) => r.hash));
      expect((JSON.parse(written[0]!) as { actor: string }).actor).toBe('usér-1 \u{1F600} \ud800');
      expect(await verifyTrail(path)).toMatchObject({ ok: true, records: 3 });
    }
  });

  it('resumes the chain when reopened', async () => {
    const path = freshTrail(3);
    const again = new AuditTrail({ path });
    expect(again.lastSeq).toBe(3);
    expect(again.append(entry(4)).seq).toBe(4);
    again.close();
    const report = await verifyTrail(path);
    expect(report).toMatchObject({ ok: true, records: 4, lastSeq: 4, problems: [] });
  });

  it('replaces long digit runs in client-supplied fields', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardveil-audit-'));
    const trail = new AuditTrail({ path: join(dir, 'a.jsonl') });
    const r = trail.append(entry(1, { request_id: 'x-4111 1111 1111 1111', actor: 'user 5555555555554444' }));
    trail.close();
    expect(r.request_id).toBe('x-[digits]');
    expect(r.actor).toBe('user [digits]');
    expect(readFileSync(join(dir, 'a.jsonl'), 'utf8')).not.toMatch(/\d{12}/);
    expect(safeText('4111-1111-1111-1111 and 1234')).toBe('[digits] and 1234');
  });

  it('rotates by size and keeps one chain across files', async () => {
    const path = freshTrail(20, { rotateBytes: 1500 });
    const report = await verifyTrail(path);
    expect(report.ok).toBe(true);
    expect(report.records).toBe(20);
    expect(report.files.length).toBeGreaterThan(3);
    expect(report.files.at(-1)).toBe(path);
    expect(report.files[0]).toBe(`${path}.1`);
    for (const f of report.files) expect(readFileSync(f).length).toBeLessThanOrEqual(1500);
  });

  it('refuses a short HMAC key, and a trail chained with another algorithm', () => {
    expect(() => new AuditTrail({ path: '/tmp/unused.jsonl', hmacKey: Buffer.alloc(8) })).toThrow(
      new AuditError('ERR_AUDIT_KEY', 'audit HMAC key is 8 bytes; at least 16 are required'),
    );
    const path = freshTrail(2);
    try {
      new AuditTrail({ path, hmacKey: Buffer.alloc(32, 7) });
      expect.unreachable();
    } catch (error) {
      expect((error as AuditError).code).toBe('ERR_AUDIT_ALG_MISMATCH');
    }
  });

  it('refuses to continue a trail whose last line is torn', () => {
    const path = freshTrail(2);
    appendFileSync(path, '{"v":1,"seq":3,"ti');
    expect(() => new AuditTrail({ path })).toThrow(
      new AuditError('ERR_AUDIT_CORRUPT', `${path}: last record cannot be trusted (not valid JSON (truncated or edited line)); run \`cardveil audit verify ${path}\``),
    );
  });
});

describe('AuditTrail writes (batching and durability)', () => {
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const size = (path: string): number => (existsSync(path) ? statSync(path).size : 0);

  it('with fsync never, writes the records of one turn together at its end, in order', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cardveil-audit-')), 'a.jsonl');
    const trail = new AuditTrail({ path, now: fixedNow });
    const sealed = [trail.append(entry(1)), trail.append(entry(2)), trail.append(entry(3))];
    expect(size(path)).toBe(0);
    expect(trail.lastSeq).toBe(3);
    expect(trail.head).toBe(sealed[2]!.hash);
    await nextTurn();
    expect(lines(path).map((l) => (JSON.parse(l) as { seq: number; hash: string }).hash)).toEqual(sealed.map((r) => r.hash));
    trail.close();
    expect(await verifyTrail(path)).toMatchObject({ ok: true, records: 3 });
  });

  it('writes without waiting for the turn when the 64 KB batch is full, and on flush()', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cardveil-audit-')), 'a.jsonl');
    const trail = new AuditTrail({ path, now: fixedNow });
    let n = 0;
    while (size(path) === 0) trail.append(entry(++n));
    // Record n did not fit: the n - 1 before it went out in one write, n waits in the next batch.
    expect(lines(path)).toHaveLength(n - 1);
    expect(size(path)).toBeLessThanOrEqual(64 * 1024);
    expect(size(path) + 600).toBeGreaterThan(64 * 1024);
    trail.flush();
    expect(lines(path)).toHaveLength(n);
    trail.close();
  });

  it('writes a record larger than the batch on its own, in order, and keeps the chain', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cardveil-audit-')), 'a.jsonl');
    const trail = new AuditTrail({ path, now: fixedNow });
    const reasons = Array.from({ length: 4000 }, (_, i) => `link:reason_code_${i}`); // ~100 KB
    trail.append(entry(1));
    const big = trail.append(entry(2, { reasons }));
    trail.append(entry(3));
    trail.close();
    const written = lines(path).map((l) => JSON.parse(l) as { seq: number; reasons: string[] });
    expect(written.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(written[1]!.reasons).toEqual(reasons);
    expect(big.seq).toBe(2);
    expect(await verifyTrail(path)).toMatchObject({ ok: true, records: 3 });
  });

  it('with fsync always, every record is in the file when append returns', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cardveil-audit-')), 'a.jsonl');
    const trail = new AuditTrail({ path, fsync: 'always' });
    trail.append(entry(1));
    expect(lines(path)).toHaveLength(1);
    trail.append(entry(2));
    expect(lines(path)).toHaveLength(2);
    trail.close();
  });

  it('writes queued records when the process exits before the end of the turn', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cardveil-audit-')), 'a.jsonl');
    const trailModule = new URL('../../lib/audit/trail.ts', import.meta.url).href;
    const script =
      `const { AuditTrail } = await import(${JSON.stringify(trailModule)});` +
      `const trail = new AuditTrail({ path: ${JSON.stringify(path)} });` +
      `for (let i = 1; i <= 5; i++) trail.append(${JSON.stringify(entry(1))});` +
      'process.exit(0);';
    execFileSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { env: { ...process.env, NODE_OPTIONS: '' } });
    expect(lines(path).map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('fails closed after a write error: the error counts the lost records and every later append throws', async () => {
    // /dev/full accepts the open and fails every write with ENOSPC.
    const trail = new AuditTrail({ path: '/dev/full' });
    trail.append(entry(1));
    trail.append(entry(2));
    await nextTurn();
    const expected = new AuditError(
      'ERR_AUDIT_WRITE',
      'cannot append to audit trail /dev/full (2 sealed record(s) not written); the trail refuses further records until it is reopened',
    );
    expect(() => trail.append(entry(3))).toThrow(expected);
    expect(() => trail.flush()).toThrow(expected);
    expect(() => trail.close()).toThrow(expected);
    expect(() => trail.append(entry(4))).toThrow(new AuditError('ERR_AUDIT_CLOSED', 'audit trail is closed'));
    const always = new AuditTrail({ path: '/dev/full', fsync: 'always' });
    expect(() => always.append(entry(1))).toThrow(
      new AuditError('ERR_AUDIT_WRITE', 'cannot append to audit trail /dev/full (1 sealed record(s) not written); the trail refuses further records until it is reopened'),
    );
    expect(() => always.close()).toThrow(AuditError);
  });
});

describe('verifyTrail', () => {
  it('names an edited record', async () => {
    const path = freshTrail(5);
    const l = lines(path);
    l[1] = l[1]!.replace('"verdict":"allowed"', '"verdict":"blocked"');
    writeLines(path, l);
    const report = await verifyTrail(path);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      { file: path, line: 2, seq: 2, code: 'hash_mismatch', message: 'content does not match its hash (record edited)' },
    ]);
  });

  it('names a removed record', async () => {
    const path = freshTrail(5);
    const l = lines(path);
    l.splice(1, 1);
    writeLines(path, l);
    expect((await verifyTrail(path)).problems).toEqual([
      { file: path, line: 2, seq: 3, code: 'records_missing', message: 'seq 3 follows seq 1: 1 record removed' },
    ]);
  });

  it('names reordered records', async () => {
    const path = freshTrail(5);
    const l = lines(path);
    [l[1], l[2]] = [l[2]!, l[1]!];
    writeLines(path, l);
    const problems = (await verifyTrail(path)).problems;
    expect(problems.map((p) => [p.line, p.code])).toEqual([
      [2, 'records_missing'],
      [3, 'out_of_order'],
      [4, 'records_missing'],
    ]);
  });

  it('names a valid record spliced in from another trail in place of one', async () => {
    const path = freshTrail(3);
    const other = `${path}.other`;
    const foreign = new AuditTrail({ path: other, now: () => new Date('2020-01-01T00:00:00Z') });
    foreign.append(entry(1));
    foreign.append(entry(2));
    foreign.close();
    const l = lines(path);
    l[1] = lines(other)[1]!;
    writeLines(path, l);
    expect((await verifyTrail(path)).problems.map((p) => [p.line, p.code])).toEqual([
      [2, 'chain_break'],
      [3, 'chain_break'],
    ]);
  });

  it('names missing first records', async () => {
    const path = freshTrail(3);
    writeLines(path, lines(path).slice(1));
    expect((await verifyTrail(path)).problems).toEqual([
      { file: path, line: 1, seq: 2, code: 'missing_start', message: 'trail starts at seq 2: records 1 to 1 are missing (removed or pruned)' },
    ]);
  });

  it('names a torn last line', async () => {
    const path = freshTrail(2);
    appendFileSync(path, '{"v":1,"seq":3');
    expect((await verifyTrail(path)).problems).toEqual([
      { file: path, line: 3, code: 'malformed', message: 'not valid JSON (truncated or edited line)' },
    ]);
  });

  it('finds a removed or swapped rotated file and says which file', async () => {
    const path = freshTrail(20, { rotateBytes: 1500 });
    const files = (await verifyTrail(path)).files;
    rmSync(files[1]!);
    const removed = await verifyTrail(path);
    expect(removed.problems).toHaveLength(1);
    expect(removed.problems[0]).toMatchObject({ file: files[2], line: 1, code: 'records_missing' });

    const path2 = freshTrail(20, { rotateBytes: 1500 });
    renameSync(`${path2}.1`, `${path2}.tmp`);
    renameSync(`${path2}.2`, `${path2}.1`);
    renameSync(`${path2}.tmp`, `${path2}.2`);
    const swapped = await verifyTrail(path2);
    expect(swapped.problems.map((p) => [p.file, p.line, p.code])).toEqual([
      [`${path2}.1`, 1, 'missing_start'],
      [`${path2}.2`, 1, 'out_of_order'],
      [`${path2}.3`, 1, 'records_missing'],
    ]);
  });

  it('needs the key for an HMAC trail, rejects a wrong key and a downgraded forgery', async () => {
    const key = Buffer.alloc(32, 1);
    const path = freshTrail(3, { hmacKey: key });
    expect((await verifyTrail(path, { key })).ok).toBe(true);
    expect((await verifyTrail(path)).problems.map((p) => p.code)).toEqual(['key_required', 'key_required', 'key_required']);
    expect((await verifyTrail(path, { key: Buffer.alloc(32, 2) })).problems.map((p) => p.code)).toEqual([
      'hash_mismatch', 'hash_mismatch', 'hash_mismatch',
    ]);
    // An attacker without the key rewrites the whole trail with plain SHA-256: self-consistent, but not HMAC.
    const forged = freshTrail(3);
    expect((await verifyTrail(forged)).ok).toBe(true);
    expect((await verifyTrail(forged, { key })).problems.map((p) => p.code)).toEqual(['alg_mismatch', 'alg_mismatch', 'alg_mismatch']);
  });

  it('detects any single edit, removal or swap of records (property)', async () => {
    const pristine = lines(freshTrail(8));
    const dir = mkdtempSync(join(tmpdir(), 'cardveil-audit-prop-'));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 7 }),
        fc.constantFrom('edit', 'remove', 'swap'),
        fc.integer({ min: 0, max: 300 }),
        async (i, j, op, pos) => {
          const l = [...pristine];
          if (op === 'remove') l.splice(i, 1);
          else if (op === 'swap') {
            fc.pre(i !== j);
            [l[i], l[j]] = [l[j]!, l[i]!];
          } else {
            const s = l[i]!;
            const at = pos % s.length;
            const ch = s[at] === 'x' ? 'y' : 'x';
            l[i] = s.slice(0, at) + ch + s.slice(at + 1);
          }
          const path = join(dir, `t-${op}-${i}-${j}-${pos}.jsonl`);
          writeLines(path, l);
          const report = await verifyTrail(path);
          // Removing the LAST record leaves a valid shorter chain: only an external head anchor shows it.
          if (op === 'remove' && i === 7) expect(report.ok).toBe(true);
          else expect(report.ok).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });
});
