import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditCommand, eventsCommand, exportCommand } from '../../lib/audit/command.js';
import type { AuditEntry } from '../../lib/audit/record.js';
import { AuditTrail } from '../../lib/audit/trail.js';

/** Runs a command in-process, collecting what it writes to stdout and stderr. */
async function run(command: (argv: string[]) => Promise<number>, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((err += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await command(argv);
    return { code, out, err };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
}

const verdicts = ['allowed', 'redacted', 'blocked', 'allowed', 'redacted', 'allowed'] as const;

function trail(options: { hmacKey?: Buffer } = {}): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cardveil-cmd-')), 'audit.jsonl');
  let minute = 0;
  const t = new AuditTrail({ path, now: () => new Date(Date.UTC(2026, 10, 27, 10, minute++)), ...options });
  verdicts.forEach((verdict, i) => {
    const e: AuditEntry = {
      event: 'gateway.request',
      request_id: `req-${i + 1}`,
      actor: i === 1 ? '=HYPERLINK("x")' : 'key:0a1b2c3d',
      source: '127.0.0.1',
      resource: 'POST /v1/chat/completions',
      outcome: verdict === 'blocked' ? 'failure' : 'success',
      pack: { name: 'pci-ai-governance', version: '1.0.0', hash: 'h' },
      verdict,
      reasons: verdict === 'blocked' ? ['dlp-filter:blocked_term'] : [],
      counts: verdict === 'redacted' ? { 'pci.pan': 2, 'pci.cvv': 1 } : {},
      finding_types: verdict === 'redacted' ? ['cvv', 'pan'] : [],
      routing: { outcome: 'selected', target: 'pci-zdr', rejected: [{ id: 'cloud', reasons: ['zero_data_retention_required', 'base_url_not_local'] }] },
      status: verdict === 'blocked' ? 400 : 200,
      latency_ms: 1.5,
    };
    t.append(e);
  });
  t.close();
  return path;
}

describe('cardveil audit verify', () => {
  it('exits 0 and prints the head on an intact trail', async () => {
    const path = trail();
    const { code, out } = await run(auditCommand, ['verify', path]);
    expect(code).toBe(0);
    expect(out).toMatch(/^ok: 6 records in 1 file, last seq 6, head [A-Za-z0-9_-]{43}\n$/);
  });

  it('exits 1 and names the edited record', async () => {
    const path = trail();
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[3] = lines[3]!.replace('"status":200', '"status":201');
    writeFileSync(path, lines.join('\n'));
    const { code, out } = await run(auditCommand, ['verify', path]);
    expect(code).toBe(1);
    expect(out.split('\n')[0]).toBe(`${path}:4 seq 4: hash_mismatch: content does not match its hash (record edited)`);
    expect(out).toMatch(/^FAILED: 1 problem; 6 records in 1 file/m);
  });

  it('fails when an anchored head is gone (records removed from the end)', async () => {
    const path = trail();
    const { out } = await run(auditCommand, ['verify', path, '--json']);
    const head = (JSON.parse(out) as { head: string }).head;
    const lines = readFileSync(path, 'utf8').split('\n');
    writeFileSync(path, `${lines.slice(0, 5).join('\n')}\n`);
    expect((await run(auditCommand, ['verify', path])).code).toBe(0);
    const anchored = await run(auditCommand, ['verify', path, '--anchor', head]);
    expect(anchored.code).toBe(1);
    expect(anchored.out).toContain('anchor_missing: no record has the expected head hash');
  });

  it('verifies an HMAC trail with the key from the environment; exit 78 when the variable is missing', async () => {
    const path = trail({ hmacKey: Buffer.from('0123456789abcdef0123456789abcdef') });
    process.env.CARDVEIL_TEST_AUDIT_KEY = '0123456789abcdef0123456789abcdef';
    expect((await run(auditCommand, ['verify', path, '--key-env', 'CARDVEIL_TEST_AUDIT_KEY'])).code).toBe(0);
    expect((await run(auditCommand, ['verify', path])).code).toBe(1);
    const missing = await run(auditCommand, ['verify', path, '--key-env', 'CARDVEIL_NO_SUCH_VAR']);
    expect(missing).toEqual({ code: 78, out: '', err: 'cardveil: environment variable CARDVEIL_NO_SUCH_VAR is not set or empty\n' });
  });

  it('exits 2 on usage errors', async () => {
    expect((await run(auditCommand, ['check'])).code).toBe(2);
    expect((await run(auditCommand, ['verify', '--bogus'])).code).toBe(2);
  });
});

describe('cardveil events', () => {
  it('shows the last N records that match a verdict', async () => {
    const path = trail();
    const { code, out } = await run(eventsCommand, [path, '--verdict', 'redacted', '-n', '1']);
    expect(code).toBe(0);
    expect(out).toBe(
      '2026-11-27T10:04:00.000Z  #5  redacted  200  key:0a1b2c3d  127.0.0.1  POST /v1/chat/completions  cvv,pan  target=pci-zdr  1.5ms\n',
    );
  });

  it('filters by time range and prints JSON lines', async () => {
    const path = trail();
    const { out } = await run(eventsCommand, [path, '--since', '2026-11-27T10:01:00Z', '--until', '2026-11-27T10:03:00Z', '--json']);
    const records = out.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; verdict: string });
    expect(records.map((r) => [r.seq, r.verdict])).toEqual([
      [2, 'redacted'],
      [3, 'blocked'],
    ]);
  });

  it('rejects a bad verdict or time with exit 2', async () => {
    const path = trail();
    const bad = await run(eventsCommand, [path, '--verdict', 'denied']);
    expect(bad.code).toBe(2);
    expect(bad.err.split('\n')[0]).toBe('cardveil: --verdict expects one of allowed, redacted, blocked; got "denied"');
    expect((await run(eventsCommand, [path, '--since', 'yesterday'])).code).toBe(2);
  });
});

describe('cardveil export', () => {
  it('writes CSV with a header, escaped cells and formula-safe client fields', async () => {
    const path = trail();
    const { code, out } = await run(exportCommand, [path, '--format', 'csv', '--until', '2026-11-27T10:02:00Z']);
    expect(code).toBe(0);
    const rows = out.split('\r\n');
    expect(rows[0]).toBe(
      'seq,time,event,request_id,actor,source,resource,outcome,verdict,status,reasons,finding_types,counts,target,routing_outcome,rejected,latency_ms,pack_name,pack_version,pack_hash,hash',
    );
    expect(rows).toHaveLength(4); // header, 2 records, trailing empty
    expect(rows[2]).toMatch(
      /^2,2026-11-27T10:01:00.000Z,gateway.request,req-2,"'=HYPERLINK\(""x""\)",127.0.0.1,POST \/v1\/chat\/completions,success,redacted,200,,cvv;pan,pci.pan=2;pci.cvv=1,pci-zdr,selected,cloud:zero_data_retention_required\+base_url_not_local,1.5,pci-ai-governance,1.0.0,h,[A-Za-z0-9_-]{43}$/,
    );
  });

  it('writes the records byte for byte as JSON lines to a file', async () => {
    const path = trail();
    const outFile = join(mkdtempSync(join(tmpdir(), 'cardveil-export-')), 'out.jsonl');
    expect((await run(exportCommand, [path, '--format', 'jsonl', '-o', outFile])).code).toBe(0);
    expect(readFileSync(outFile, 'utf8')).toBe(readFileSync(path, 'utf8'));
  });

  it('refuses an unknown format', async () => {
    const { code, err } = await run(exportCommand, ['--format', 'xml']);
    expect(code).toBe(2);
    expect(err.split('\n')[0]).toBe('cardveil: --format expects jsonl or csv; got "xml"');
  });
});

describe('--pack', () => {
  it('finds the trail and its HMAC key in the pack; a bad pack exits 78', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardveil-cmd-pack-'));
    const path = join(dir, 'trail.jsonl');
    const keyFile = join(dir, 'audit.key');
    writeFileSync(keyFile, 'k'.repeat(32));
    const t = new AuditTrail({ path, hmacKey: Buffer.from('k'.repeat(32)) });
    t.append({
      event: 'e', request_id: 'r', actor: 'a', source: 's', resource: 'x', outcome: 'success',
      pack: { name: 'p', version: '1', hash: 'h' }, verdict: 'allowed', reasons: [], counts: {}, finding_types: [], latency_ms: 0,
    });
    t.close();
    const pack = join(dir, 'pack.yaml');
    writeFileSync(pack, `pack: { name: p, version: "1" }\npolicies: { chain: [pii-detector, audit-logger] }\npolicy:\n  audit-logger: { path: ${path}, hmac_key_ref: { file: ${keyFile} } }\n`);
    expect((await run(auditCommand, ['verify', '--pack', pack])).out).toMatch(/^ok: 1 record in 1 file/);
    expect((await run(eventsCommand, ['--pack', pack, '--json'])).out.trim().split('\n')).toHaveLength(1);
    const bad = await run(exportCommand, ['--pack', join(dir, 'missing.yaml')]);
    expect(bad.code).toBe(78);
    expect(bad.err).toBe(`cardveil: pack file ${join(dir, 'missing.yaml')} cannot be read (ENOENT)\n`);
  });
});
