/**
 * Session 3 red team: a generated sample of real-world carriers (payment-API JSON, form bodies, SQL,
 * CSV, SOAP, headers, framework log lines, chat prompts in ten languages, chat transcripts, HTML,
 * code fixtures), every brand and issued length with each separator, evasions, payment messages,
 * and card-shaped negatives (IMEI, ICCID, national ids, phones, snowflakes, trace ids, floats,
 * barcodes, orders, tracking numbers, bank data, ops output) that both engines get right today.
 * Each case pins the exact findings (type, span, brand, evasion flag) of the types it is about.
 * The generator and the cases that still fail are described in docs/qa/redteam-s3.md; the failing
 * ones are in test/fixtures/detectors/redteam-s3-failing.jsonl, not here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Detector } from '../../lib/detectors/detector.js';
import type { Finding, FindingType } from '../../lib/detectors/types.js';

interface Expected {
  readonly type: FindingType;
  readonly brand?: string;
  readonly start: number;
  readonly end: number;
  readonly evasion?: boolean;
  /** Only in cases about the test-card flag. */
  readonly testCard?: boolean;
}

interface RedTeamCase {
  readonly id: string;
  /** `<generator category> | <description>` */
  readonly name: string;
  readonly text: string;
  /** The finding types this case is about; findings of other types are not compared. */
  readonly types: readonly FindingType[];
  readonly expect: readonly Expected[];
}

function load(file: string): RedTeamCase[] {
  return readFileSync(new URL(`../fixtures/detectors/${file}`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RedTeamCase);
}

const cases = load('redteam-s3-passing.jsonl');
const withBrand = new Set<FindingType>(['pan', 'track1', 'track2']);

function key(e: Expected): string {
  const brand = withBrand.has(e.type) ? (e.brand ?? '') : '';
  const testCard = e.testCard === undefined ? '' : e.testCard ? ':test' : ':not-test';
  return `${e.type}:${brand}:${e.start}-${e.end}${e.evasion === undefined ? '' : e.evasion ? ':evasion' : ''}${testCard}`;
}

/** A finding as the fixtures write it; `testCard` only where the case is about that flag. */
function found(f: Finding, testCard = false): Expected {
  return {
    type: f.type,
    ...(f.brand !== undefined && withBrand.has(f.type) ? { brand: f.brand } : {}),
    start: f.start,
    end: f.end,
    ...(f.type === 'pan' ? { evasion: f.flags.evasion } : {}),
    ...(testCard && f.type === 'pan' ? { testCard: f.flags.testCard } : {}),
  };
}

describe('the red-team fixtures', () => {
  it('cover positives of every card-data type, evasions, many carriers and over a hundred negatives', () => {
    const types = new Set(cases.flatMap((c) => c.expect.map((e) => e.type)));
    expect([...types].sort()).toEqual(['cvv', 'expiry', 'masked_pan', 'pan', 'pin', 'pin_block', 'track1', 'track2']);
    expect(cases.filter((c) => c.expect.length === 0).length).toBeGreaterThan(100);
    expect(cases.filter((c) => c.expect.some((e) => e.evasion === true)).length).toBeGreaterThan(25);
    const categories = new Set(cases.map((c) => c.name.split(':')[0]));
    for (const category of ['pan', 'testcard', 'secondary', 'neg', 'rand-pos', 'rand-neg', 'evasion', 'payment-msg', 'transcript', 'html', 'dump']) {
      expect(categories).toContain(category);
    }
  });

  it('keep ids and texts unique and never repeat a case of the earlier fixtures', () => {
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(new Set(cases.map((c) => c.text)).size).toBe(cases.length);
    const earlier = new Set(
      ['adversarial.jsonl', 'adversarial-failing.jsonl', 'labelled.jsonl'].flatMap((f) => load(f).map((c) => c.text)),
    );
    expect(cases.filter((c) => earlier.has(c.text)).map((c) => c.id)).toEqual([]);
  });

  it('record, for every failing case, the input, the expectation and what was found', () => {
    const failing = load('redteam-s3-failing.jsonl') as (RedTeamCase & { actual: Expected[] })[];
    expect(failing.length).toBeGreaterThan(0);
    for (const c of failing) {
      expect(c.name).toMatch(/^\[[CFL]\d+\] /);
      expect(Array.isArray(c.actual)).toBe(true);
      expect(c.expect.map(key).sort()).not.toEqual(c.actual.map(key).sort());
    }
  });
});

describe.each(['javascript', 'hyperscan'] as const)('the red-team set on the %s engine', (engine) => {
  const detector = new Detector({ engine });

  it.each(cases.map((c) => [c.id, c.name, c] as const))('%s %s', (_id, _name, c) => {
    const testCard = c.expect.some((e) => e.testCard !== undefined);
    const got = detector.detect(c.text).filter((f) => c.types.includes(f.type)).map((f) => found(f, testCard));
    expect(got.map(key).sort()).toEqual(c.expect.map(key).sort());
  });

  it('reports the same findings for the UTF-8 bytes of every case, at byte offsets', () => {
    const differ: string[] = [];
    for (const c of cases) {
      const fromString = detector
        .detect(c.text)
        .map((f) => `${f.type}:${Buffer.byteLength(c.text.slice(0, f.start))}-${Buffer.byteLength(c.text.slice(0, f.end))}`);
      const fromBytes = detector.detect(Buffer.from(c.text, 'utf8')).map((f) => `${f.type}:${f.start}-${f.end}`);
      if (JSON.stringify(fromString) !== JSON.stringify(fromBytes)) differ.push(c.id);
    }
    expect(differ).toEqual([]);
  });
});
