/** Reading records back for `cardveil events` and `cardveil export`: time and verdict filters. */
import { trailLines } from './lines.js';

export interface RecordFilter {
  /** Inclusive lower bound, epoch ms. */
  readonly since?: number;
  /** Exclusive upper bound, epoch ms. */
  readonly until?: number;
  /** Keep only these verdicts. */
  readonly verdicts?: readonly string[];
}

const RELATIVE = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses `2026-11-27T10:00:00Z`, `2026-11-27`, or a duration back from now (`30s`, `15m`, `2h`, `7d`).
 * Returns undefined for anything else.
 *
 * @example parseTime('2h', Date.parse('2026-11-27T12:00:00Z')) // Date.parse('2026-11-27T10:00:00Z')
 */
export function parseTime(text: string, now: number = Date.now()): number | undefined {
  const rel = RELATIVE.exec(text);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2] as keyof typeof UNIT_MS];
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

export function matches(record: Record<string, unknown>, filter: RecordFilter): boolean {
  if (filter.verdicts !== undefined && !filter.verdicts.includes(String(record.verdict))) return false;
  if (filter.since !== undefined || filter.until !== undefined) {
    const t = typeof record.time === 'string' ? Date.parse(record.time) : Number.NaN;
    if (Number.isNaN(t)) return false;
    if (filter.since !== undefined && t < filter.since) return false;
    if (filter.until !== undefined && t >= filter.until) return false;
  }
  return true;
}

/**
 * Records of the trail at `path` that pass `filter`, oldest first. Lines that are not JSON objects
 * are skipped here (reading is not verifying: `cardveil audit verify` reports them).
 */
export async function* readRecords(path: string, filter: RecordFilter = {}): AsyncGenerator<Record<string, unknown>> {
  for await (const { text } of trailLines(path)) {
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      continue;
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) continue;
    if (matches(record as Record<string, unknown>, filter)) yield record as Record<string, unknown>;
  }
}
