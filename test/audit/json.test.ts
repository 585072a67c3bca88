import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordJson, type UnsealedRecord } from '../../lib/audit/json.js';

// Plain printable ASCII (the fast path) as often as any code unit (quotes, controls, lone surrogates).
const text = fc.oneof(fc.string({ maxLength: 24 }), fc.string({ unit: 'binary', maxLength: 24 }));
const num = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 1e21, Number.NaN, Number.POSITIVE_INFINITY, 0.001, 0.05, 0.1, 1.5, 999999999999.999, 1e12, 1e12 + 0.001),
  // Milliseconds rounded to three decimals, as the trail writes latency_ms (small and huge).
  fc.nat(200_000).map((k) => k / 1000),
  fc.integer({ min: 0, max: 2e15 }).map((k) => k / 1000),
  fc.double({ min: 0, max: 100, noNaN: true }).map((x) => Math.round(x * 1000) / 1000),
);

const record: fc.Arbitrary<UnsealedRecord> = fc
  .record({
    seq: fc.nat(),
    time: fc.constant('2026-11-28T01:02:03.456Z'),
    event: text,
    request_id: text,
    actor: text,
    source: text,
    resource: text,
    outcome: fc.constantFrom('success', 'failure'),
    pack: fc.record({ name: text, version: text, hash: text }),
    freezePack: fc.boolean(),
    verdict: fc.constantFrom('allowed', 'redacted', 'blocked'),
    reasons: fc.array(text, { maxLength: 3 }),
    // Integer-like keys come first in both orders; the property checks JSON.stringify agrees.
    counts: fc.dictionary(fc.oneof(text, fc.nat({ max: 20 }).map(String)), fc.nat(), { maxKeys: 4 }),
    finding_types: fc.array(text, { maxLength: 3 }),
    routing: fc.option(
      fc.record({
        outcome: fc.constantFrom('selected', 'fallback', 'blocked'),
        target: fc.option(text, { nil: null }),
        rejected: fc.array(fc.record({ id: text, reasons: fc.array(text, { maxLength: 2 }) }), { maxLength: 2 }),
      }),
      { nil: undefined },
    ),
    status: fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
    latency_ms: num,
    alg: fc.constantFrom('sha256', 'hmac-sha256'),
    prev: text,
  })
  .map(({ freezePack, routing, status, latency_ms, alg, prev, ...rest }) => {
    // Key order as AuditTrail builds it: optional fields only when present, then the tail.
    const r: Record<string, unknown> = { v: 1, ...rest, pack: freezePack ? Object.freeze(rest.pack) : rest.pack };
    if (routing !== undefined) r.routing = routing;
    if (status !== undefined) r.status = status;
    Object.assign(r, { latency_ms, alg, prev });
    return r as unknown as UnsealedRecord;
  });

describe('recordJson', () => {
  it('writes exactly what JSON.stringify writes (property)', () => {
    fc.assert(fc.property(record, (r) => recordJson(r) === JSON.stringify(r)), { numRuns: 500 });
  });

  it('writes milliseconds rounded to three decimals as JSON.stringify does, at every magnitude (property)', () => {
    const millis = fc.oneof(fc.nat(1_000_000), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })).map((k) => k / 1000);
    fc.assert(
      fc.property(record, millis, (r, latency_ms) => {
        const withLatency = { ...r, latency_ms } as UnsealedRecord;
        return recordJson(withLatency) === JSON.stringify(withLatency);
      }),
      { numRuns: 3000 },
    );
  });

  it('still matches JSON.stringify when counts or lists hold values of other types (property)', () => {
    const odd = fc.oneof(fc.constant(null), fc.boolean(), text, fc.constant(undefined), fc.double());
    fc.assert(
      fc.property(record, fc.dictionary(text, odd, { maxKeys: 3 }), fc.array(odd, { maxLength: 3 }), (r, counts, list) => {
        const bent = { ...r, counts, reasons: list, finding_types: [...list].reverse() } as unknown as UnsealedRecord;
        return recordJson(bent) === JSON.stringify(bent);
      }),
      { numRuns: 300 },
    );
  });

  it('reuses the JSON of a frozen pack, and re-reads an unfrozen one', () => {
    const make = (pack: UnsealedRecord['pack']): UnsealedRecord => ({
      v: 1, seq: 1, time: 't', event: 'e', request_id: 'r', actor: 'a', source: 's', resource: 'x', outcome: 'success',
      pack, verdict: 'allowed', reasons: [], counts: {}, finding_types: [], latency_ms: 1, alg: 'sha256', prev: '',
    });
    const frozen = Object.freeze({ name: 'p', version: '1', hash: 'h' });
    expect(recordJson(make(frozen))).toBe(JSON.stringify(make(frozen)));
    expect(recordJson(make(frozen))).toBe(JSON.stringify(make(frozen)));
    const open = { name: 'p', version: '1', hash: 'h' };
    expect(recordJson(make(open))).toContain('"pack":{"name":"p","version":"1","hash":"h"}');
    open.version = '2';
    expect(recordJson(make(open))).toContain('"pack":{"name":"p","version":"2","hash":"h"}');
  });
});
