/**
 * Approximate matching for literal-like expressions (Hyperscan's `edit_distance` and
 * `hamming_distance` extended parameters), for the fallback engine.
 *
 * Hyperscan reports every end offset at which some substring ending there is within distance `k`
 * of the expression. That is exactly what Sellers' dynamic programme computes (edit distance with
 * a free start), so the fallback runs it directly instead of expanding the expression into a
 * RegExp. The expression must be a sequence of single characters or classes (one 256-entry table
 * per position, from translate.ts); the text is a latin1 string (one character per byte).
 */

export interface FuzzyTerm {
  /** One membership table per expression position. */
  readonly tables: readonly Uint8Array[];
  /** Maximum distance. */
  readonly distance: number;
  /** Substitutions only (Hamming) instead of Levenshtein edits. */
  readonly hamming: boolean;
}

/** Longest substring a match can cover: the expression's length plus `distance` insertions. */
export function fuzzyMaxWidth(term: FuzzyTerm): number {
  return term.tables.length + (term.hamming ? 0 : term.distance);
}

/**
 * Reports, in increasing order, every end offset `e` with `from < e <= to` such that a substring
 * `text[s, e)` with `s >= origin` is within the term's distance; `report(s, e)` gets the leftmost
 * such start.
 *
 * @example
 * const tables = [...'secret'].map((c) => { const t = new Uint8Array(256); t[c.charCodeAt(0)] = 1; return t; });
 * fuzzyEnds('a secrat b', 0, 0, 10, { tables, distance: 1, hamming: false }, (s, e) => console.log(s, e));
 */
export function fuzzyEnds(
  text: string,
  origin: number,
  from: number,
  to: number,
  term: FuzzyTerm,
  report: (start: number, end: number) => void,
): void {
  if (term.hamming) hammingEnds(text, origin, from, to, term, report);
  else editEnds(text, origin, from, to, term, report);
}

function hammingEnds(
  text: string,
  origin: number,
  from: number,
  to: number,
  term: FuzzyTerm,
  report: (start: number, end: number) => void,
): void {
  const m = term.tables.length;
  for (let e = Math.max(from + 1, origin + m); e <= to; e++) {
    let misses = 0;
    for (let i = 0; i < m && misses <= term.distance; i++) {
      if (!term.tables[i]![text.charCodeAt(e - m + i) & 0xff]) misses++;
    }
    if (misses <= term.distance) report(e - m, e);
  }
}

function editEnds(
  text: string,
  origin: number,
  from: number,
  to: number,
  term: FuzzyTerm,
  report: (start: number, end: number) => void,
): void {
  const m = term.tables.length;
  const k = term.distance;
  // column[i]: least edits turning some substring ending here into the first i positions.
  let column = new Int32Array(m + 1);
  let next = new Int32Array(m + 1);
  for (let i = 0; i <= m; i++) column[i] = i;
  for (let j = origin; j < to; j++) {
    const c = text.charCodeAt(j) & 0xff;
    next[0] = 0; // free start
    for (let i = 1; i <= m; i++) {
      const sub = column[i - 1]! + (term.tables[i - 1]![c] ? 0 : 1);
      const del = column[i]! + 1;
      const ins = next[i - 1]! + 1;
      next[i] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    [column, next] = [next, column];
    const end = j + 1;
    if (end > from && column[m]! <= k) report(leftmostStart(text, origin, end, term), end);
  }
}

/** The smallest start whose substring up to `end` is within the distance. */
function leftmostStart(text: string, origin: number, end: number, term: FuzzyTerm): number {
  const m = term.tables.length;
  const k = term.distance;
  for (let s = Math.max(origin, end - m - k); s <= end - m + k && s < end; s++) {
    if (editDistance(text, s, end, term.tables, k) <= k) return s;
  }
  return end - m; // unreachable when the caller saw a match; kept total
}

/** Edit distance between `text[s, e)` and the tables, capped just above `limit`. */
function editDistance(text: string, s: number, e: number, tables: readonly Uint8Array[], limit: number): number {
  const m = tables.length;
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let i = 0; i <= m; i++) prev[i] = i;
  for (let j = s; j < e; j++) {
    const c = text.charCodeAt(j) & 0xff;
    cur[0] = j - s + 1;
    let best = cur[0];
    for (let i = 1; i <= m; i++) {
      const sub = prev[i - 1]! + (tables[i - 1]![c] ? 0 : 1);
      const v = Math.min(sub, prev[i]! + 1, cur[i - 1]! + 1);
      cur[i] = v;
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[m]!;
}
