import { describe, expect, it } from 'vitest';
import { buildBaseline, check, median, mergeBaselines, restrictTo } from '../../bench/lib/gate.js';
import type { Ratio } from '../../bench/lib/suite.js';

const meta = { created: '2026-11-27T00:00:00.000Z', commit: 'abc1234', machine: { cpu: 'test', cores: 2, node: 'v20' } };
const r = (id: string, value: number): Ratio => ({ id, label: `label ${id}`, value });

describe('bench gate: baseline', () => {
  it('takes the median of odd and even sample counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('records median, samples, spread and a threshold of 3 × spread when that exceeds 10%', () => {
    const baseline = buildBaseline([[r('a', 10)], [r('a', 12)], [r('a', 11)]], meta);
    expect(baseline.ratios.a).toEqual({ label: 'label a', median: 11, samples: [10, 12, 11], spread: 0.1818, threshold: 0.5455 });
    expect(baseline.repetitions).toBe(3);
  });

  it('never sets a threshold below 10%, however steady the samples', () => {
    const baseline = buildBaseline([[r('a', 5)], [r('a', 5.01)], [r('a', 5)]], meta);
    expect(baseline.ratios.a!.spread).toBe(0.002);
    expect(baseline.ratios.a!.threshold).toBe(0.1);
  });

  it('ignores non-finite ratios (a contender that measured zero)', () => {
    const baseline = buildBaseline([[r('a', Number.POSITIVE_INFINITY), r('b', 2)]], meta);
    expect(Object.keys(baseline.ratios)).toEqual(['b']);
  });
});

describe('bench gate: check', () => {
  const baseline = buildBaseline([[r('a', 10)], [r('a', 10)], [r('a', 10)]], meta); // threshold 10%

  it('passes a ratio within its threshold and reports it ok', () => {
    const result = check(baseline, [[r('a', 9.2)]]);
    expect(result.ok).toBe(true);
    expect(result.lines).toEqual([{ id: 'a', status: 'ok', text: 'label a: 9.20× vs baseline 10.00× (-8.0%, allowed −10.0%)' }]);
  });

  it('fails a ratio that dropped beyond its threshold, judged on the median of the repetitions', () => {
    const result = check(baseline, [[r('a', 8.9)], [r('a', 9.5)], [r('a', 8.5)]]);
    expect(result.ok).toBe(false);
    expect(result.lines[0]!.status).toBe('regressed');
    expect(result.lines[0]!.text).toBe('label a: 8.90× vs baseline 10.00× (-11.0%, allowed −10.0%)');
  });

  it('does not fail when one repetition of three is an outlier', () => {
    expect(check(baseline, [[r('a', 5)], [r('a', 9.8)], [r('a', 10.1)]]).ok).toBe(true);
  });

  it('fails when a ratio of the baseline was not measured at all', () => {
    const result = check(baseline, [[r('b', 3)]]);
    expect(result.ok).toBe(false);
    expect(result.lines.map((l) => [l.id, l.status])).toEqual([
      ['a', 'missing'],
      ['b', 'new'],
    ]);
  });

  it('reports an improvement beyond the threshold without failing', () => {
    const result = check(baseline, [[r('a', 12)]]);
    expect(result.ok).toBe(true);
    expect(result.lines[0]!.status).toBe('improved');
  });
});

describe('bench gate: --only', () => {
  const both = buildBaseline([[r('scan/a', 2), r('detect/b', 3)]], meta);

  it('checks only the named suites', () => {
    const result = check(restrictTo(both, ['scan']), [[r('scan/a', 2)]]);
    expect(result.ok).toBe(true);
    expect(result.lines.map((l) => l.id)).toEqual(['scan/a']);
  });

  it('keeps the ratios of suites it did not re-measure when updating', () => {
    const fresh = buildBaseline([[r('scan/a', 5)]], meta);
    const merged = mergeBaselines(both, fresh);
    expect(merged.ratios['scan/a']!.median).toBe(5);
    expect(merged.ratios['detect/b']!.median).toBe(3);
  });
});

describe('bench gate: noisy ratios', () => {
  it('says when a ratio is too noisy to be gated (threshold of 100% or more)', () => {
    const noisy = buildBaseline([[r('a', 1)], [r('a', 2)], [r('a', 1.5)]], meta);
    expect(noisy.ratios.a!.threshold).toBe(2);
    expect(check(noisy, [[r('a', 0.1)]]).lines[0]!.text).toBe(
      'label a: 0.10× vs baseline 1.50× (-93.3%, allowed −200.0%; too noisy to gate: re-run bench:update on a quieter machine)',
    );
  });
});
