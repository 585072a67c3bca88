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

/** Deterministic PRNG (mulberry32) so the generated cases are the same on every run. */
function prng(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let n = digits.charCodeAt(i) - 48;
    if (double) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
    sum += n;
    double = !double;
  }
  return sum % 10 === 0;
}

const inScript = (zero: number) => (s: string): string =>
  [...s].map((c) => (c >= '0' && c <= '9' ? String.fromCodePoint(zero + c.charCodeAt(0) - 48) : c)).join('');

/** Evasions a PAN is rendered through; each must still be found at exactly its original span. */
const EVASIONS: readonly [string, (s: string) => string][] = [
  ['fullwidth', inScript(0xff10)],
  ['arabic-indic', inScript(0x660)],
  ['devanagari', inScript(0x966)],
  ['thai', inScript(0xe50)],
  ['mathematical bold', inScript(0x1d7ce)],
  ['zero-width space each', (s) => [...s].join('\u200b')],
  ['zero-width joiner twice', (s) => `${s.slice(0, 5)}\u200d${s.slice(5, 11)}\u200d${s.slice(11)}`],
  ['soft hyphen each', (s) => [...s].join('\u00ad')],
  ['space each', (s) => [...s].join(' ')],
  ['dot each', (s) => [...s].join('.')],
  ['slash each', (s) => [...s].join('/')],
  ['underscore each', (s) => [...s].join('_')],
  ['dash each', (s) => [...s].join('-')],
  ['thin space groups', (s) => s.replace(/(\d{4})(?=\d)/g, '$1\u2009')],
  ['narrow nbsp groups', (s) => s.replace(/(\d{4})(?=\d)/g, '$1\u202f')],
  ['ideographic space groups', (s) => s.replace(/(\d{4})(?=\d)/g, '$1\u3000')],
  ['percent-encoded', (s) => [...s].map((c) => `%3${c}`).join('')],
  ['percent-encoded middle', (s) => s.slice(0, 4) + [...s.slice(4, 8)].map((c) => `%3${c}`).join('') + s.slice(8)],
  ['html decimal', (s) => [...s].map((c) => `&#${c.charCodeAt(0)};`).join('')],
  ['html hex', (s) => [...s].map((c) => `&#x3${c};`).join('')],
  ['json \\u', (s) => [...s].map((c) => `\\u003${c}`).join('')],
  ['wrapped LF', (s) => `${s.slice(0, 8)}\n${s.slice(8)}`],
  ['wrapped CRLF', (s) => `${s.slice(0, 10)}\r\n${s.slice(10)}`],
  [
    'mixed',
    (s) =>
      inScript(0xff10)(s.slice(0, 4)) + '\u200b' + [...s.slice(4, 8)].map((c) => `&#${c.charCodeAt(0)};`).join('') +
      [...s.slice(8, 12)].map((c) => `%3${c}`).join('') + inScript(0x660)(s.slice(12)),
  ],
];
const ISSUERS: readonly [string, number, string][] = [
  ['4', 16, 'visa'], ['51', 16, 'mastercard'], ['2221', 16, 'mastercard'], ['37', 15, 'amex'], ['6011', 16, 'discover'],
  ['3528', 16, 'jcb'], ['36', 14, 'diners'], ['6212', 19, 'unionpay'], ['4', 13, 'visa'], ['2200', 16, 'mir'], ['6759', 12, 'maestro'],
];
const CONTEXTS: readonly [string, string][] = [['card ', ''], ['', ''], ['{"pan":"', '"}'], ['paid with ', ' today'], ['cc=', '&x=1'], ['<p>', '</p>']];

describe.each(['javascript', 'hyperscan'] as const)('generated evasions on the %s engine', (engine) => {
  it('finds every issuer × evasion × context rendering at exactly its span, with its brand and flags.evasion', () => {
    const detector = new Detector({ engine });
    const rnd = prng(4242);
    const failures: string[] = [];
    for (let i = 0; i < 600; i++) {
      const [prefix, length, brand] = ISSUERS[rnd(ISSUERS.length)]!;
      let body = prefix;
      while (body.length < length - 1) body += String(rnd(10));
      const pan = [...'0123456789'].map((d) => body + d).find(luhnValid)!;
      const [name, render] = EVASIONS[rnd(EVASIONS.length)]!;
      const [before, after] = CONTEXTS[rnd(CONTEXTS.length)]!;
      const shown = render(pan);
      const text = before + shown + after;
      const pans = detector.detect(text).filter((f) => f.type === 'pan');
      const ok =
        pans.length === 1 && pans[0]!.start === before.length && pans[0]!.end === before.length + shown.length &&
        pans[0]!.brand === brand && pans[0]!.flags.evasion;
      if (!ok) failures.push(`${name} ${JSON.stringify(text)}: ${JSON.stringify(pans.map((f) => [f.start, f.end, f.brand, f.flags.evasion]))}`);
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
