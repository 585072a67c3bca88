/**
 * Adversarial QA set: hand-written real-world formats (JSON, form bodies, XML, CSV, SQL, prose,
 * every brand and length), evasions and realistic negatives that the detectors handle correctly
 * today on both engines. Each case pins the exact findings (type, span, brand, evasion flag) of
 * the finding types it is about, so any regression shows up here.
 * Cases the detectors still get wrong are listed in docs/qa/adversarial-report.md, not here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Detector } from '../../lib/detectors/detector.js';
import type { FindingType } from '../../lib/detectors/types.js';

interface Expected {
  readonly type: FindingType;
  readonly brand?: string;
  readonly start: number;
  readonly end: number;
  readonly evasion?: boolean;
}

interface AdversarialCase {
  readonly id: string;
  readonly name: string;
  readonly text: string;
  /** The finding types this case is about; findings of other types are not compared. */
  readonly types: readonly FindingType[];
  readonly expect: readonly Expected[];
}

const cases: AdversarialCase[] = readFileSync(new URL('../fixtures/detectors/adversarial.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as AdversarialCase);

function key(e: Expected): string {
  return `${e.type}:${e.brand ?? ''}:${e.start}-${e.end}${e.evasion === undefined ? '' : e.evasion ? ':evasion' : ''}`;
}

describe.each(['javascript', 'hyperscan'] as const)('the adversarial set on the %s engine', (engine) => {
  const detector = new Detector({ engine });

  it('covers positives of every finding type, evasions and negatives', () => {
    const types = new Set(cases.flatMap((c) => c.expect.map((e) => e.type)));
    expect([...types].sort()).toEqual(['cvv', 'expiry', 'masked_pan', 'pan', 'pin', 'pin_block', 'track1', 'track2']);
    expect(cases.filter((c) => c.expect.length === 0).length).toBeGreaterThan(100);
    expect(cases.filter((c) => c.expect.some((e) => e.evasion === true)).length).toBeGreaterThan(50);
  });

  it.each(cases.map((c) => [c.id, c.name, c] as const))('%s %s', (_id, _name, c) => {
    const found = detector.detect(c.text).filter((f) => c.types.includes(f.type));
    const got = found.map((f) =>
      key({
        type: f.type,
        ...(f.brand !== undefined && (f.type === 'pan' || f.type === 'track1' || f.type === 'track2') ? { brand: f.brand } : {}),
        start: f.start,
        end: f.end,
        ...(f.type === 'pan' ? { evasion: f.flags.evasion } : {}),
      }),
    );
    expect(got.sort()).toEqual(c.expect.map(key).sort());
  });

  it('reports the same findings for the UTF-8 bytes of every case, at byte offsets', () => {
    const failures: string[] = [];
    for (const c of cases) {
      const bytes = Buffer.from(c.text, 'utf8');
      const fromString = detector.detect(c.text).map((f) => `${f.type}:${Buffer.byteLength(c.text.slice(0, f.start))}-${Buffer.byteLength(c.text.slice(0, f.end))}`);
      const fromBytes = detector.detect(bytes).map((f) => `${f.type}:${f.start}-${f.end}`);
      if (JSON.stringify(fromString) !== JSON.stringify(fromBytes)) failures.push(c.id);
    }
    expect(failures).toEqual([]);
  });
});

describe('the adversarial set across engines', () => {
  it('gives identical findings on the javascript and hyperscan engines for every case', () => {
    const js = new Detector({ engine: 'javascript' });
    const hs = new Detector({ engine: 'hyperscan' });
    const differing = cases.filter((c) => JSON.stringify(js.detect(c.text)) !== JSON.stringify(hs.detect(c.text))).map((c) => c.id);
    expect(differing).toEqual([]);
  });
});
