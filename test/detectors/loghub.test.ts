import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Detector } from '../../lib/detectors/detector.js';
import type { Finding } from '../../lib/detectors/types.js';

const dir = '/work/shared/corpus/loghub';
const files = readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
const count = (findings: Finding[], type: string) => findings.filter((f) => f.type === type).length;

describe('the loghub corpus (real logs, no card data)', () => {
  const standard = [new Detector({ engine: 'javascript' }), new Detector({ engine: 'hyperscan' })];

  it.each(files)('%s: zero PANs at standard sensitivity on both engines', (file) => {
    const bytes = readFileSync(`${dir}/${file}`);
    for (const detector of standard) {
      const findings = detector.detect(bytes);
      expect(count(findings, 'pan')).toBe(0);
      expect(count(findings, 'track1') + count(findings, 'track2')).toBe(0);
    }
  });

  it('reports the PAN counts at high and restricted sensitivity (the trade-off)', () => {
    const totals: Record<string, number> = {};
    for (const sensitivity of ['high', 'restricted'] as const) {
      const detector = new Detector({ engine: 'hyperscan', sensitivity });
      totals[sensitivity] = files.reduce((n, f) => n + count(detector.detect(readFileSync(`${dir}/${f}`)), 'pan'), 0);
    }
    console.log(`loghub PAN findings: standard 0, high ${totals['high']}, restricted ${totals['restricted']}`);
    expect(totals['high']).toBe(0);
    // 208 since the China T-Union row (31, 19 digits): two HDFS block ids after blk_- (restricted only).
    expect(totals['restricted']).toBe(208);
  });

  it('gives identical findings on the JavaScript and Hyperscan engines', () => {
    const js = new Detector({ engine: 'javascript', sensitivity: 'restricted' });
    const hs = new Detector({ engine: 'hyperscan', sensitivity: 'restricted' });
    for (const file of files) {
      const bytes = readFileSync(`${dir}/${file}`);
      expect(hs.detect(bytes)).toEqual(js.detect(bytes));
    }
  });
});
