import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Detector } from '../../lib/detectors/detector.js';
import type { Case } from '../fixtures/detectors/cards.js';

const cases: Case[] = readFileSync(new URL('../fixtures/detectors/labelled.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Case);

describe.each(['javascript', 'hyperscan'] as const)('the labelled set on the %s engine', (engine) => {
  const detector = new Detector({ engine });

  it('has cases of every kind, positives and negatives', () => {
    const types = new Set(cases.flatMap((c) => c.expect.map((e) => e.type)));
    expect([...types].sort()).toEqual(['cvv', 'expiry', 'masked_pan', 'pan', 'pin', 'pin_block', 'track1', 'track2']);
    expect(cases.filter((c) => c.expect.length === 0).length).toBeGreaterThan(30);
    expect(cases.length).toBeGreaterThan(1000);
  });

  it('finds exactly the labelled findings (type, brand, span, flags) in every case', () => {
    const failures: string[] = [];
    for (const c of cases) {
      const found = detector.detect(c.text);
      const got = found.map((f) => `${f.type}:${f.brand ?? ''}:${f.start}-${f.end}`).sort();
      const want = c.expect
        .map((e) => `${e.type}:${e.type === 'masked_pan' ? found.find((f) => f.start === e.start)?.brand ?? '' : e.brand ?? ''}:${e.start}-${e.end}`)
        .sort();
      if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`${c.id}: want ${want.join(' ')} got ${got.join(' ')}`);
      for (const e of c.expect) {
        const f = found.find((x) => x.start === e.start && x.end === e.end);
        if (f && e.evasion !== undefined && f.flags.evasion !== e.evasion) failures.push(`${c.id}: evasion flag`);
        if (f && e.masked !== undefined && f.flags.masked !== e.masked) failures.push(`${c.id}: masked flag`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('finds the same spans in the UTF-8 bytes of every case (byte offsets)', () => {
    const failures: string[] = [];
    for (const c of cases) {
      const bytes = Buffer.from(c.text, 'utf8');
      const fromBytes = detector.detect(bytes).map((f) => [f.type, bytes.subarray(f.start, f.end).toString('utf8')]);
      const fromString = detector.detect(c.text).map((f) => [f.type, c.text.slice(f.start, f.end)]);
      if (JSON.stringify(fromBytes) !== JSON.stringify(fromString)) failures.push(c.id);
    }
    expect(failures).toEqual([]);
  });
});
