/**
 * A record's JSON, byte for byte what `JSON.stringify(record)` writes (test/audit/json.test.ts
 * holds it to that), built field by field in the record's key order.
 *
 * Why not `JSON.stringify(record)`: the pack reference and the routing summary are the same frozen
 * objects in record after record, so their JSON is made once and reused; the usual strings (ids,
 * codes, hashes: printable ASCII without quotes or backslashes) are quoted as they are; the general
 * stringifier only sees what needs escaping. This was most of what sealing a record cost outside
 * the hash.
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
  // A figure with at most three decimals under 1e12 (`latency_ms`, which the trail rounds so) is
  // written from its thousandths: its decimal is then the shortest one that reads back as `n`,
  // which is what String(n) finds by a slower search.
  const k = Math.round(n * 1000);
  if (k / 1000 === n && k >= 0 && k < 1e15) {
    const whole = Math.floor(k / 1000);
    const frac = k % 1000;
    if (frac === 0) return String(whole);
    if (frac % 10 !== 0) return `${whole}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`;
    if (frac % 100 !== 0) return `${whole}.${frac < 100 ? '0' : ''}${frac / 10}`;
    return `${whole}.${frac / 100}`;
  }
  return Number.isFinite(n) ? String(n) : 'null';
}

/** Printable ASCII other than `"` and `\`: JSON writes such a string as it is, in quotes. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** As JSON writes a string; the usual field (an id, a code, a hash) skips the general stringifier. */
function stringJson(s: string): string {
  // A regular expression, not a loop over the units: irregexp's compiled code is faster here.
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s);
}

/** As JSON writes an array of strings (anything else goes to JSON.stringify as a whole). */
function stringsJson(list: readonly string[]): string {
  let json = '[';
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (typeof item !== 'string') return JSON.stringify(list);
    json += i === 0 ? stringJson(item) : `,${stringJson(item)}`;
  }
  return `${json}]`;
}

/** As JSON writes a record of counts (anything but finite-or-not numbers goes to JSON.stringify). */
function countsJson(counts: Readonly<Record<string, number>>): string {
  let json = '{';
  let first = true;
  for (const key of Object.keys(counts)) {
    const n = counts[key];
    if (typeof n !== 'number') return JSON.stringify(counts);
    json += `${first ? '' : ','}${stringJson(key)}:${numberJson(n)}`;
    first = false;
  }
  return `${json}}`;
}

/**
 * @example
 * recordJson(record) === JSON.stringify(record) // true for every record AuditTrail builds
 */
export function recordJson(r: UnsealedRecord): string {
  let json =
    `{"v":${numberJson(r.v)},"seq":${numberJson(r.seq)},"time":${stringJson(r.time)},"event":${stringJson(r.event)}` +
    `,"request_id":${stringJson(r.request_id)},"actor":${stringJson(r.actor)},"source":${stringJson(r.source)}` +
    `,"resource":${stringJson(r.resource)},"outcome":${stringJson(r.outcome)},"pack":${objectJson(r.pack)}` +
    `,"verdict":${stringJson(r.verdict)},"reasons":${stringsJson(r.reasons)},"counts":${countsJson(r.counts)}` +
    `,"finding_types":${stringsJson(r.finding_types)}`;
  if (r.routing !== undefined) json += `,"routing":${objectJson(r.routing)}`;
  if (r.status !== undefined) json += `,"status":${numberJson(r.status)}`;
  return `${json},"latency_ms":${numberJson(r.latency_ms)},"alg":${stringJson(r.alg)},"prev":${stringJson(r.prev)}}`;
}
