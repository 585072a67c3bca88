import { describe, expect, it } from 'vitest';
import type { Row } from '../../bench/lib/measure.js';
import { formatMarkdown, formatText, type RunReport, toJson } from '../../bench/lib/report.js';
import { ratioOf } from '../../bench/lib/suite.js';

const row = (contender: string, kind: Row['kind'], minUs: number, bytes: number | null = 1e6): Row => ({
  suite: 'detect', contender, kind, input: 'loghub 1.0 MB', bytes, mbPerSec: bytes === null ? null : bytes / (minUs * 1.1),
  opsPerSec: 1e6 / (minUs * 1.1), p50Us: minUs * 1.1, p99Us: minUs * 2, minUs, rmePct: 1.5, samples: 10,
});

const ours = row('cardveil detect', 'ours', 500);
const js = row('JS baseline', 'js', 2000);
const report: RunReport = {
  date: '2026-11-27T22:00:00.000Z', commit: 'abc1234', node: 'v20.20.2', cpu: 'AMD EPYC', cores: 2, quick: false, clock: 'wall',
  corpus: { loghubBytes: 19_498_614, cardDenseBytes: 20_400_000, plantedCards: 9_500, source: '/corpus' },
  suites: [
    { id: 'detect', title: 'Detect end to end', question: 'How fast?', seconds: 3, rows: [ours, js], ratios: [ratioOf('detect/ours-vs-js', 'detect ÷ JS', ours, js)], goals: [], notes: ['a note'] },
    { id: 'gateway', title: 'Gateway overhead', question: 'What latency?', seconds: 0, rows: [], ratios: [], goals: [], notes: [], skipped: 'lib/gateway/server.ts did not load' },
  ],
  goals: [
    { id: 'g1', text: 'detect >= 1.5 GB/s', measured: '2.00 GB/s', pass: true },
    { id: 'g2', text: 'detect >= 8× JS', measured: '4.0×', pass: false },
  ],
  ratios: [],
};

describe('bench report', () => {
  it('computes ratios from the fastest samples, per byte', () => {
    expect(ratioOf('x', 'x', ours, js).value).toBe(4);
    expect(ratioOf('x', 'x', row('a', 'ours', 100, 2e6), row('b', 'js', 100, 1e6)).value).toBe(2);
    expect(ratioOf('x', 'x', row('a', 'ours', 100, null), row('b', 'js', 300, null)).value).toBe(3);
  });

  it('prints each goal as PASS or FAIL and names skipped suites with their reason', () => {
    const text = formatText(report);
    expect(text).toContain('  PASS  detect >= 1.5 GB/s: 2.00 GB/s');
    expect(text).toContain('  FAIL  detect >= 8× JS: 4.0×');
    expect(text).toContain('  SKIPPED: lib/gateway/server.ts did not load');
    expect(text).toContain('(not measured: suites gateway were skipped)');
    expect(text).toContain('  ratio  detect ÷ JS: 4.00× (fastest samples)');
  });

  it('renders markdown tables with a goal table first', () => {
    const md = formatMarkdown(report);
    expect(md).toContain('| detect >= 8× JS | 4.0× | FAIL |');
    expect(md).toContain('| contender | kind | input | MB/s | best MB/s | ops/s | p50 | p99 | ±% | found |');
    expect(md).toContain('| cardveil detect | ours | loghub 1.0 MB | 1,818 | 2,000 |');
    expect(md).toContain('Skipped: lib/gateway/server.ts did not load');
  });

  it('writes JSON without NaN (non-finite numbers become null)', () => {
    const json = toJson({ ...report, suites: [{ ...report.suites[0]!, rows: [{ ...ours, p99Us: Number.NaN }] }] });
    expect(JSON.parse(json).suites[0].rows[0].p99Us).toBeNull();
  });
});
