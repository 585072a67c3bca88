/**
 * Overlap resolution in O(n log n): the greedy "keep the best, drop what overlaps a kept one" rule,
 * applied cluster by cluster. A span can only be dropped by spans that overlap it, which all lie in
 * its cluster of transitively overlapping spans, so the result equals one global greedy pass — but
 * a card-dense buffer with thousands of findings no longer costs a comparison per pair.
 */
interface Span {
  readonly start: number;
  readonly end: number;
}

const byStartOrder = (x: Span, y: Span): number => x.start - y.start;

/**
 * Sorts `a` in place, stably, as `a.sort(order)` does (a stable sort's result is unique). A few
 * items (a prompt's findings) go through an insertion sort: the built-in sort's set-up costs more
 * than sorting them.
 */
export function sortFew<T>(a: T[], order: (x: T, y: T) => number): T[] {
  if (a.length > 16) return a.sort(order);
  for (let i = 1; i < a.length; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && order(a[j]!, x) > 0) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
  return a;
}

/** Keeps, in each cluster of overlapping spans, the best by `order` that overlap no better kept one. Sorted by start. */
export function keepBest<T extends Span>(spans: readonly T[], order: (x: T, y: T) => number): T[] {
  // No closure and no per-cluster array for a lone span: a prompt's few findings are each a cluster.
  const byStart = sortFew(spans.slice(), byStartOrder);
  const kept: T[] = [];
  let from = 0;
  let clusterEnd = -Infinity;
  for (let i = 0; i < byStart.length; i++) {
    const s = byStart[i]!;
    if (i > from && s.start >= clusterEnd) {
      chooseIn(byStart, from, i, order, kept);
      from = i;
      clusterEnd = -Infinity;
    }
    clusterEnd = Math.max(clusterEnd, s.end);
  }
  if (byStart.length > from) chooseIn(byStart, from, byStart.length, order, kept);
  return kept;
}

/** Appends to `kept` the best spans of the cluster `byStart[from..to)` (in start order). */
function chooseIn<T extends Span>(byStart: readonly T[], from: number, to: number, order: (x: T, y: T) => number, kept: T[]): void {
  if (to - from === 1) {
    kept.push(byStart[from]!);
    return;
  }
  const cluster = sortFew(byStart.slice(from, to), order);
  const chosen: T[] = [];
  for (const s of cluster) if (chosen.every((k) => s.end <= k.start || s.start >= k.end)) chosen.push(s);
  for (const s of sortFew(chosen, byStartOrder)) kept.push(s);
}

/**
 * Spans added one by one, asked "does [start, end) overlap one already added?" in time proportional
 * to the span's length: each span is filed under every 64-byte bucket it touches. A linear search
 * of the added spans made repeated evasions (`%B4111…` tens of thousands of times) quadratic.
 */
export class SpanIndex {
  private readonly buckets = new Map<number, Span[]>();

  add(s: Span): void {
    for (let k = s.start >> 6, last = (s.end - 1) >> 6; k <= last; k++) {
      const list = this.buckets.get(k);
      if (list) list.push(s);
      else this.buckets.set(k, [s]);
    }
  }

  overlaps(start: number, end: number): boolean {
    for (let k = start >> 6, last = (end - 1) >> 6; k <= last; k++) {
      const list = this.buckets.get(k);
      if (list) for (const s of list) if (s.start < end && start < s.end) return true;
    }
    return false;
  }
}
