/**
 * A record's JSON, byte for byte what `JSON.stringify(record)` writes (test/audit/json.test.ts
 * holds it to that), built field by field in the record's key order.
 *
 * Why not `JSON.stringify(record)`: the pack reference and the routing summary are the same frozen
 * objects in record after record, so their JSON is made once and reused, and the top-level object
 * is never walked generically. This is most of what sealing a record costs outside the hash.
 */
import type { AuditRecord } from './record.js';

/** A record before sealing: everything but `hash`. */
export type UnsealedRecord = Omit<AuditRecord, 'hash'>;

const frozenJson = new WeakMap<object, string>();

/** JSON of an object that repeats across records; cached only when frozen (it cannot change). */
function objectJson(value: object): string {
  let json = frozenJson.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    if (Object.isFrozen(value)) frozenJson.set(value, json);
  }
  return json;
}

/** As JSON writes a number: non-finite ones become null. */
function numberJson(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

const str = JSON.stringify as (value: unknown) => string;

/**
 * @example
 * recordJson(record) === JSON.stringify(record) // true for every record AuditTrail builds
 */
export function recordJson(r: UnsealedRecord): string {
  let json =
    `{"v":${numberJson(r.v)},"seq":${numberJson(r.seq)},"time":${str(r.time)},"event":${str(r.event)}` +
    `,"request_id":${str(r.request_id)},"actor":${str(r.actor)},"source":${str(r.source)}` +
    `,"resource":${str(r.resource)},"outcome":${str(r.outcome)},"pack":${objectJson(r.pack)}` +
    `,"verdict":${str(r.verdict)},"reasons":${str(r.reasons)},"counts":${str(r.counts)}` +
    `,"finding_types":${str(r.finding_types)}`;
  if (r.routing !== undefined) json += `,"routing":${objectJson(r.routing)}`;
  if (r.status !== undefined) json += `,"status":${numberJson(r.status)}`;
  return `${json},"latency_ms":${numberJson(r.latency_ms)},"alg":${str(r.alg)},"prev":${str(r.prev)}}`;
}
