import { describe, expect, it } from 'vitest';
import { renderThroughputSvg } from '../../bench/lib/chart.js';
import type { Row } from '../../bench/lib/measure.js';
import type { SuiteReport } from '../../bench/lib/report.js';

const row = (contender: string, kind: Row['kind'], mbPerSec: number | null): Row => ({
  suite: 's', contender, kind, input: 'in <1>', bytes: mbPerSec === null ? null : 1, mbPerSec, opsPerSec: 1, p50Us: 1, p99Us: 1, minUs: 1, rmePct: 1, samples: 1,
});
const suite = (title: string, rows: Row[]): SuiteReport => ({ id: title, title, question: '?', seconds: 1, rows, ratios: [], goals: [], notes: [] });

function barWidths(svg: string): Map<string, number> {
  const widths = new Map<string, number>();
  const re = /<text x="\d+" y="\d+" text-anchor="end">([^<]+)<\/text>\n<rect x="[\d.]+" y="\d+" width="([\d.]+)"/g;
  for (const m of svg.matchAll(re)) widths.set(m[1]!, Number(m[2]));
  return widths;
}

describe('throughput chart', () => {
  const svg = renderThroughputSvg(
    [suite('Detect', [row('ours', 'ours', 2000), row('js', 'js', 200), row('peer', 'peer', 0.2), row('latency only', 'ours', null)]), suite('Empty', [])],
    'subtitle & more',
  );

  it('is one standalone SVG document with escaped text', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('subtitle &amp; more');
    expect(svg).toContain('ours (in &lt;1&gt;)');
  });

  it('draws one bar per throughput row, none for latency-only rows or empty suites', () => {
    expect([...barWidths(svg).keys()]).toEqual(['ours (in &lt;1&gt;)', 'js (in &lt;1&gt;)', 'peer (in &lt;1&gt;)']);
    expect(svg).not.toContain('latency only');
    expect(svg).not.toContain('>Empty<');
  });

  it('scales bars logarithmically: each decade adds the same width', () => {
    const w = [...barWidths(svg).values()];
    const decade = (w[0]! - w[1]!) / 1; // 2000 → 200 MB/s
    expect((w[1]! - w[2]!) / 3).toBeCloseTo(decade, 0); // 200 → 0.2 MB/s: three decades
  });
});
