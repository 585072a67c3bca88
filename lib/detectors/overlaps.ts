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

/** Keeps, in each cluster of overlapping spans, the best by `order` that overlap no better kept one. Sorted by start. */
export function keepBest<T extends Span>(spans: readonly T[], order: (x: T, y: T) => number): T[] {
  const byStart = [...spans].sort((x, y) => x.start - y.start);
  const kept: T[] = [];
  let cluster: T[] = [];
  let clusterEnd = -Infinity;
  const flush = (): void => {
    cluster.sort(order);
    const chosen: T[] = [];
    for (const s of cluster) if (chosen.every((k) => s.end <= k.start || s.start >= k.end)) chosen.push(s);
    kept.push(...chosen.sort((x, y) => x.start - y.start));
    cluster = [];
    clusterEnd = -Infinity;
  };
  for (const s of byStart) {
    if (cluster.length > 0 && s.start >= clusterEnd) flush();
    cluster.push(s);
    clusterEnd = Math.max(clusterEnd, s.end);
  }
  if (cluster.length > 0) flush();
  return kept;
}
