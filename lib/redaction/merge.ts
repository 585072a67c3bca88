/**
 * Turns findings into disjoint segments to redact.
 *
 * Already-masked findings (`masked_pan`, `flags.masked`) are dropped: their text is already safe,
 * and re-redacting it would destroy the last four digits people rely on. Overlapping findings
 * merge into one segment covering their union (redacting each separately would leave pieces of a
 * card number between two markers); the segment takes the most sensitive type, so a merge that
 * touches a CVV or a track is labelled or removed, never vaulted.
 */
import { sortFew } from '../detectors/overlaps.js';
import type { CardBrand, Finding } from '../detectors/types.js';

/** Most sensitive first. Unknown types rank last. */
const PRIORITY: readonly string[] = ['track2', 'track1', 'cvv', 'pin_block', 'pin', 'pan', 'expiry', 'custom', 'blocked_term'];

function rank(type: string): number {
  const i = PRIORITY.indexOf(type);
  return i < 0 ? PRIORITY.length : i;
}

/** A disjoint span to redact, in the input's own units. */
export interface Segment {
  start: number;
  end: number;
  type: string;
  detector: string;
  brand?: CardBrand;
  /** Some finding in it was found through an evasion (its text is not plain digits). */
  evasion: boolean;
  /** The detector's value, when exactly one finding with a value made the segment. */
  value?: string;
  /** Number of findings merged into it. */
  merged: number;
}

/** True when a finding is already-masked text that must stay as it is. */
export function isMasked(finding: Finding): boolean {
  return finding.type === 'masked_pan' || finding.flags.masked;
}

const BY_START_LONGEST = (a: Finding, b: Finding): number => a.start - b.start || b.end - a.end;

/**
 * Disjoint segments, sorted by start, from findings in any order.
 *
 * @example
 * mergeFindings([pan(0, 16), cvv(10, 19)]) // [{ start: 0, end: 19, type: 'cvv', merged: 2, ... }]
 */
export function mergeFindings(findings: readonly Finding[]): Segment[] {
  const live = findings.filter((f) => !isMasked(f) && f.end > f.start);
  sortFew(live, BY_START_LONGEST);
  const out: Segment[] = [];
  let current: Segment | undefined;
  for (const f of live) {
    if (current !== undefined && f.start < current.end) {
      if (f.end > current.end) current.end = f.end;
      if (rank(f.type) < rank(current.type)) {
        current.type = f.type;
        current.detector = f.detector;
        if (f.brand !== undefined) current.brand = f.brand;
        else delete current.brand;
      }
      current.evasion ||= f.flags.evasion;
      current.merged++;
      delete current.value;
      continue;
    }
    current = { start: f.start, end: f.end, type: f.type, detector: f.detector, evasion: f.flags.evasion, merged: 1 };
    if (f.brand !== undefined) current.brand = f.brand;
    if (f.value !== undefined) current.value = f.value;
    out.push(current);
  }
  return out;
}
