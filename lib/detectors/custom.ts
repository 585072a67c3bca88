/**
 * Users' DLP patterns and blocked terms, compiled into the same database as the built-ins.
 *
 * Custom patterns: the user's expression as given (Hyperscan syntax), with leftmost start so the
 * span is exact; Hyperscan reports every end of a match, so matches sharing a start keep the
 * longest and overlapping ones merge. Findings: type `custom`, detector `dlp:<name>`.
 *
 * Blocked terms: case-insensitive whole-word matches. Exact terms (maxDistance 0) compile to
 * `\bterm\b`. Fuzzy terms use Hyperscan's edit distance, which allows neither `\b` nor start of
 * match, and costs throughput (PERFORMANCE.md: ~0.25 GB/s at distance 1), so: the distance is
 * capped at 2 and must leave at least 3 characters of the term exact (term length >= 2 * distance
 * + 3); the engine reports candidate ends only; the start, the distance and the word boundaries are
 * confirmed here, on the few bytes around each end. Findings: type `blocked_term`, detector
 * `dlp:blocked_term`.
 *
 * A long fuzzy term goes into the database as exact pieces instead (the seed pack's three fuzzy
 * terms were half the cost of scanning a 4 KB prompt). Split into distance + 1 pieces, a term
 * matched with at most `distance` edits keeps at least one piece intact (each edit touches one
 * piece at most), so every fuzzy match contains a hit of a piece. Around each hit, the fallback
 * engine's exact dynamic programme (lib/engine/fuzzy.ts, what Hyperscan's edit distance reports)
 * finds the same match ends the engine would have, and the confirmation above runs on them.
 */
import { fuzzyEnds, fuzzyMaxWidth, type FuzzyTerm } from '../engine/fuzzy.js';
import type { PatternSpec } from '../engine/types.js';
import { DetectorError } from './errors.js';
import { raw, type RawFinding } from './finding.js';
import { FIRST_CUSTOM_ID } from './patterns.js';
import { bytesText, isAlnum } from './text.js';
import type { BlockedTerm, CustomPattern } from './types.js';

export type CustomEntry =
  | { readonly kind: 'custom'; readonly name: string }
  | {
      readonly kind: 'blocked';
      readonly term: string;
      readonly maxDistance: number;
      /** Set when the database holds the term's exact pieces: the term, to find fuzzy match ends around their hits. */
      readonly pieces?: FuzzyTerm;
    };

const MAX_DISTANCE = 2;

/**
 * Shortest piece (bytes) worth a literal: shorter pieces would hit often in ordinary text, and each
 * hit costs a dynamic programme in TypeScript; such terms keep the engine's edit distance.
 */
const MIN_PIECE_BYTES = 6;

/** The term split into `count` pieces of near-equal byte length, at code point boundaries; undefined if one is too short. */
function piecesOf(term: string, count: number): string[] | undefined {
  const chars = Array.from(term);
  const total = Buffer.byteLength(term, 'utf8');
  const pieces: string[] = [];
  let piece = '';
  let bytes = 0;
  let done = 0;
  for (const ch of chars) {
    piece += ch;
    bytes += Buffer.byteLength(ch, 'utf8');
    done += Buffer.byteLength(ch, 'utf8');
    // Close a piece once it holds its share of the bytes still to be split.
    if (pieces.length < count - 1 && bytes >= (total - (done - bytes)) / (count - pieces.length)) {
      pieces.push(piece);
      piece = '';
      bytes = 0;
    }
  }
  pieces.push(piece);
  return pieces.length === count && pieces.every((p) => Buffer.byteLength(p, 'utf8') >= MIN_PIECE_BYTES) ? pieces : undefined;
}

/** The term as the fallback's fuzzy tables: one byte per position, ASCII letters in both cases (the engine's caseless). */
function fuzzyTerm(term: string, distance: number): FuzzyTerm {
  const tables = [...Buffer.from(term, 'utf8')].map((c) => {
    const table = new Uint8Array(256);
    table[c] = 1;
    const l = c | 0x20;
    if (l >= 0x61 && l <= 0x7a) table[l] = table[l & ~0x20] = 1;
    return table;
  });
  return { tables, distance, hamming: false };
}

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, (c) => `\\${c}`);
}

const isWordChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** Validates the options and builds their pattern specs and the id table. */
export function customPatternSpecs(
  customPatterns: readonly CustomPattern[] = [],
  blockedTerms: readonly BlockedTerm[] = [],
): { specs: PatternSpec[]; entries: Map<number, CustomEntry> } {
  if (!Array.isArray(customPatterns)) throw new DetectorError('ERR_INVALID_OPTIONS', 'Expected an array for customPatterns');
  if (!Array.isArray(blockedTerms)) throw new DetectorError('ERR_INVALID_OPTIONS', 'Expected an array for blockedTerms');
  const specs: PatternSpec[] = [];
  const entries = new Map<number, CustomEntry>();
  let id = FIRST_CUSTOM_ID;
  const names = new Set<string>();
  customPatterns.forEach((p, i) => {
    if (typeof p?.name !== 'string' || p.name.length === 0) {
      throw new DetectorError('ERR_INVALID_OPTIONS', `Expected a non-empty string for customPatterns[${i}].name`);
    }
    if (typeof p.expression !== 'string' || p.expression.length === 0) {
      throw new DetectorError('ERR_INVALID_OPTIONS', `Expected a non-empty string for customPatterns[${i}].expression ("${p.name}")`);
    }
    if (names.has(p.name)) throw new DetectorError('ERR_INVALID_OPTIONS', `Duplicate custom pattern name "${p.name}"`);
    names.add(p.name);
    specs.push({ id, expression: p.expression, flags: { leftmostStart: true, ...(p.caseless ? { caseless: true } : {}) } });
    entries.set(id++, { kind: 'custom', name: p.name });
  });
  blockedTerms.forEach((t, i) => {
    if (typeof t?.term !== 'string' || t.term.trim().length === 0) {
      throw new DetectorError('ERR_INVALID_OPTIONS', `Expected a non-empty string for blockedTerms[${i}].term`);
    }
    const d = t.maxDistance ?? 0;
    if (!Number.isInteger(d) || d < 0 || d > MAX_DISTANCE) {
      throw new DetectorError('ERR_INVALID_OPTIONS', `Expected an integer from 0 to ${MAX_DISTANCE} for blockedTerms[${i}].maxDistance`);
    }
    if (d > 0 && t.term.length < 2 * d + 3) {
      throw new DetectorError(
        'ERR_INVALID_OPTIONS',
        `blockedTerms[${i}] is too short for maxDistance ${d}: needs at least ${2 * d + 3} characters`,
      );
    }
    const body = escapeRegex(t.term);
    if (d === 0) {
      const expression = `${isWordChar(t.term[0]) ? '\\b' : ''}${body}${isWordChar(t.term[t.term.length - 1]) ? '\\b' : ''}`;
      specs.push({ id, expression, flags: { caseless: true, leftmostStart: true } });
      entries.set(id++, { kind: 'blocked', term: t.term, maxDistance: d });
      return;
    }
    const pieces = piecesOf(t.term, d + 1);
    if (pieces === undefined) {
      specs.push({ id, expression: body, flags: { caseless: true }, extensions: { editDistance: d } });
      entries.set(id++, { kind: 'blocked', term: t.term, maxDistance: d });
      return;
    }
    // One id for every piece: their hits are the term's.
    for (const piece of pieces) specs.push({ id, expression: escapeRegex(piece), flags: { caseless: true } });
    entries.set(id++, { kind: 'blocked', term: t.term, maxDistance: d, pieces: fuzzyTerm(t.term, d) });
  });
  return { specs, entries };
}

/** Merges one custom pattern's matches (start, end pairs) into findings. */
export function customFindings(name: string, matches: [number, number][]): RawFinding[] {
  const sorted = matches.filter(([s]) => s >= 0).sort((x, y) => x[0] - y[0] || y[1] - x[1]);
  const out: RawFinding[] = [];
  let current: [number, number] | undefined;
  for (const [s, e] of sorted) {
    if (current && s < current[1]) current[1] = Math.max(current[1], e);
    else {
      if (current) out.push(raw('custom', current[0], current[1], 1, { detector: `dlp:${name}` }));
      current = [s, e];
    }
  }
  if (current) out.push(raw('custom', current[0], current[1], 1, { detector: `dlp:${name}` }));
  return out;
}

function lowerAt(b: Uint8Array, i: number): number {
  const c = b[i]!;
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** Levenshtein distance between `b[from..to)` and `term` (both compared lower-case), capped. */
function distance(b: Uint8Array, from: number, to: number, term: Uint8Array, cap: number): number {
  const n = to - from;
  let prev = Array.from({ length: term.length + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= term.length; j++) {
      const cost = lowerAt(b, from + i - 1) === term[j - 1] ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur.push(v);
      best = Math.min(best, v);
    }
    if (best > cap) return cap + 1;
    prev = cur;
  }
  return prev[term.length]!;
}

/** Confirms blocked-term matches: exact ones as reported, fuzzy ones from their end offsets. */
export function blockedFindings(b: Uint8Array, entry: CustomEntry & { kind: 'blocked' }, matches: [number, number][]): RawFinding[] {
  const detector = 'dlp:blocked_term';
  if (entry.maxDistance === 0) {
    return customFindings('blocked_term', matches).map((f) => raw('blocked_term', f.start, f.end, 1, { detector }));
  }
  const term = Buffer.from(entry.term.toLowerCase(), 'utf8');
  const d = entry.maxDistance;
  const candidates: { s: number; e: number; dist: number }[] = [];
  for (const [, e] of entry.pieces ? fuzzyMatchEnds(b, entry.pieces, matches) : matches) {
    let best: { s: number; e: number; dist: number } | undefined;
    for (let s = Math.max(0, e - term.length - d); s <= e - term.length + d && s < e; s++) {
      if (isAlnum(b[s - 1]) || isAlnum(b[e])) continue;
      const dist = distance(b, s, e, term, d);
      if (dist <= d && (!best || dist < best.dist)) best = { s, e, dist };
    }
    if (best) candidates.push(best);
  }
  candidates.sort((x, y) => x.dist - y.dist || x.s - y.s);
  const kept: typeof candidates = [];
  for (const c of candidates) if (kept.every((k) => c.e <= k.s || c.s >= k.e)) kept.push(c);
  return kept.map((c) => raw('blocked_term', c.s, c.e, c.dist === 0 ? 1 : 0.8, { detector }));
}

/**
 * The ends the engine's edit-distance pattern would report, from the hits of the term's pieces: a
 * match containing a piece hit ending at `e` lies within `[e - width, e + width)` (width: the
 * term's length plus the distance), so the exact programme runs over those windows (merged where
 * they overlap) and nowhere else. Increasing order, each end once, as the engine reports them.
 */
function fuzzyMatchEnds(b: Uint8Array, term: FuzzyTerm, hits: [number, number][]): [number, number][] {
  const width = fuzzyMaxWidth(term);
  const hitEnds = hits.map(([, e]) => e).sort((x, y) => x - y);
  const out: [number, number][] = [];
  const run = (from: number, to: number): void => {
    fuzzyEnds(bytesText(b, from, to), 0, 0, to - from, term, (_start, end) => out.push([-1, from + end]));
  };
  let from = -1;
  let to = -1;
  for (const e of hitEnds) {
    const lo = Math.max(0, e - width);
    const hi = Math.min(b.length, e + width);
    if (lo <= to) to = Math.max(to, hi);
    else {
      if (to >= 0) run(from, to);
      from = lo;
      to = hi;
    }
  }
  if (to >= 0) run(from, to);
  return out;
}
