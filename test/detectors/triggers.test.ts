import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, type PatternSpec } from '../../lib/engine/index.js';
import { builtinPatterns, PATTERN_ID as ID } from '../../lib/detectors/patterns.js';
import {
  confirmCvvKey,
  confirmCvvPhrase,
  confirmPin,
  evasionPlaces,
  Keyword,
  layoutPlaces,
  maskDigit,
} from '../../lib/detectors/triggers.js';

/**
 * The specification: the expressions the built-in triggers were before they became literals. Each
 * literal hit plus its confirmation in triggers.ts must report exactly where these end. (The expiry
 * triggers left this spec: they read the key grammar of expiry.ts, tested in expiry-key.test.ts.)
 */
const caseless = { caseless: true };
const SPEC: Record<string, PatternSpec[]> = {
  [Keyword.cvv]: [
    { id: 1, expression: 'cv[vcdn]', flags: caseless },
    { id: 1, expression: '(?:\\b|_)(?:cid|csc)\\b', flags: caseless },
  ],
  [Keyword.cvvPhrase]: [
    { id: 1, expression: 'security[ _-]?code|verification[ _-]?(?:code|value|number)|card[ _-]?code', flags: caseless },
    { id: 1, expression: '(?:\\b|_)sec[ _-]?code', flags: caseless },
  ],
  [Keyword.pin]: [{ id: 1, expression: '(?:\\b|_)(?:pin|epb)\\b', flags: caseless }],
  [Keyword.pinBlock]: [{ id: 1, expression: 'pin[ _-]?(?:block|blk|code|number|no)', flags: caseless }],
};
/** Evasion places are where these ended, minus one. */
const EVASION_SPEC: PatternSpec[] = [
  { id: 52, expression: '&#[0-9xX]' },
  { id: 53, expression: '%3[0-9]|%[eE][fF]%[bB][cC]%9[0-9]' },
  { id: 54, expression: '\\\\u[0-9a-fA-F]{4}|\\\\x3[0-9]|\\\\u\\{[0-9a-fA-F]{1,6}\\}' },
  { id: 55, expression: '[0-9](?:%2[0dD]|&nbsp;)' },
  { id: 56, expression: '%[0-9A-Fa-f]{2}[0-9]' },
  { id: 57, expression: '[0-9 ]\\\\[ntr]' },
];

const specDbs = Object.entries(SPEC).map(([kind, patterns]) => [Number(kind), compile(patterns, {}, { engine: 'hyperscan' })] as const);
const evasionDb = compile(EVASION_SPEC, {}, { engine: 'hyperscan' });
const literalDb = compile(builtinPatterns().patterns, {}, { engine: 'hyperscan' });

function ends(db: ReturnType<typeof compile>, b: Uint8Array): number[] {
  const m = db.scan(b);
  const out: number[] = [];
  for (let k = 0; k < m.length; k += 3) out.push(m[k + 2]!);
  return out;
}

/** `kind:end` of every place the former expressions reported. */
function expected(b: Uint8Array): { keywords: string[]; evasions: number[] } {
  const keywords = new Set<string>();
  for (const [kind, db] of specDbs) for (const end of ends(db, b)) keywords.add(`${kind}:${end}`);
  return { keywords: [...keywords].sort(), evasions: [...new Set(ends(evasionDb, b).map((e) => e - 1))].sort((x, y) => x - y) };
}

/** The same, from the literal hits of the built-in set and the confirmations. */
function actual(b: Uint8Array): { keywords: string[]; evasions: number[] } {
  const keywords = new Set<string>();
  const evasions = new Set<number>();
  const emit = (kind: number, end: number): void => void keywords.add(`${kind}:${end}`);
  const m = literalDb.scan(b);
  for (let k = 0; k < m.length; k += 3) {
    const id = m[k]!;
    const end = m[k + 2]!;
    if (id === ID.cvvKeyword || id === ID.cvvShortKeyword) confirmCvvKey(b, end, id === ID.cvvShortKeyword, emit);
    else if (id === ID.cvvPhrase) confirmCvvPhrase(b, end, emit);
    else if (id === ID.pinKeyword) confirmPin(b, end, emit);
    else if (id === ID.evasionAmpersand || id === ID.evasionPercent || id === ID.evasionBackslash) evasionPlaces(b, end - 1, (p) => evasions.add(p));
  }
  return { keywords: [...keywords].sort(), evasions: [...evasions].sort((x, y) => x - y) };
}

const FRAGMENTS = [
  'exp', 'EXP', 'Exp', 'iry', 'ires', '_month', 'date', ' ', '  ', ':', '=', '"', "'", '#', '/', '\t', '.', '-', '_',
  '1', '2', '9', '0', 'a', 'Z', 'valid', 'VALID', 'good', 'thru', 'through', 'until', 'till', 'to', 'security', 'Security',
  'verification', 'card', 'CARD', 'code', 'value', 'number', 'no', 'cvv', 'CVC', 'cvd', 'cvn', 'cid', 'CSC', 'pin', 'PIN',
  'epb', 'block', 'blk', 'x', 'X', '&', '&#', 'nbsp;', 'NBSP;', '%', '3', '2', 'd', 'D', 'ef', 'EF', '%bc', '%BC', '%9', '\\', 'u',
  'x3', 'F', 'é', '\u0005', '{', '}', 'u{', '%25', 'sec', 'Sec', 'SEC', 'm',
];

describe('literal triggers and their confirmations (triggers.ts)', () => {
  it('report exactly where the former trigger expressions ended, on random text (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }), (parts) => {
        const b = Buffer.from(parts.join(''), 'utf8');
        expect(actual(b)).toEqual(expected(b));
      }),
      { numRuns: 3000, seed: 20261128 },
    );
  });

  it.each([
    ['card_cid=123', [`${Keyword.cvv}:8`]],
    ['pin block: 0412ACFF', [`${Keyword.pin}:3`, `${Keyword.pinBlock}:9`]],
    ['spinning verification value 123', [`${Keyword.cvvPhrase}:27`]],
    ['Sec Code: 123, card_sec_code=123', [`${Keyword.cvvPhrase}:8`, `${Keyword.cvvPhrase}:28`]],
    ['latency 3 msec code 200', []],
    ['Invalid user admin from 10.0.0.1', []],
  ])('%s', (text, keywords) => {
    const b = Buffer.from(text);
    expect(actual(b).keywords).toEqual([...keywords].sort());
    expect(expected(b).keywords).toEqual([...keywords].sort());
  });

  it('finds the evasion places of encoded digits', () => {
    const b = Buffer.from('a&#52;1&nbsp;%34%2541\\u0034\\x34 9%20%EF%BC%91');
    expect(actual(b)).toEqual(expected(b));
    expect(actual(b).evasions).toEqual([3, 12, 15, 19, 26, 30, 35, 44]);
  });
});

describe('layout triggers (quoted-printable, indented wraps, form-encoded +)', () => {
  const { patterns, evasionHints } = builtinPatterns();
  const db = compile(patterns, { evasionHints }, { engine: 'hyperscan' });

  /** The places layoutPlaces reports for the layout hits on `text`: `+` or `=` hinted after a digit, the indentation literals. */
  function layout(text: string): number[] {
    const b = Buffer.from(text);
    const m = db.scan(b);
    const out: number[] = [];
    for (let k = 0; k < m.length; k += 3) {
      const end = m[k + 2]!;
      if (m[k] === ID.evasionLayout) layoutPlaces(b, end - 4, (p) => out.push(p));
      else if (m[k] === ID.evasionHint && (b[end - 1] === 0x2b || b[end - 1] === 0x3d)) layoutPlaces(b, end - 1, (p) => out.push(p));
    }
    return out.sort((x, y) => x - y);
  }

  it.each([
    ['a soft line break between digits', 'card 4111111=\r\n111111111', [12]],
    ['a soft line break before an indented group', 'card 4111=\n 1111', [9]],
    ['an encoded space between digits', 'card 4111=201111', [9]],
    ['a line break and an indentation between digits', 'card: 4111 1111\n    1111 1111', [15]],
    ['a CRLF and two spaces between digits', '4111 1111\r\n  1111 1111', [9]],
    ['a + between digit groups', '4111+1111+1111', [4, 9]],
  ])('reports %s', (_what, text, places) => {
    expect(layout(text)).toEqual(places);
  });

  it.each([
    ['a key whose value wraps', 'key=\nvalue'],
    ['a track 2 separator', ';4111111111111111=25121010000000000?'],
    ['an indentation of two spaces (the card-window gap reads it)', '4111\n  1111'],
    ['a timestamp value', 'ts=2015-10-18'],
    ['an indented line after text', 'items:\n    4111'],
    ['a phone prefix', 'call +4412345678'],
    ['a + after a letter', 'a+1'],
  ])('ignores %s', (_what, text) => {
    expect(layout(text)).toEqual([]);
  });
});

describe('mask triggers (a mask run, then the visible digits)', () => {
  /** The former shape of every mask trigger: where its digit was. */
  const MASK_SPEC: PatternSpec[] = [
    { id: 1, expression: '\\*{4}[ .-]?[0-9]' },
    { id: 1, expression: '[xX]{4}[ .-]?[0-9]' },
    { id: 1, expression: '#{4}[ .-]?[0-9]' },
    { id: 1, expression: '(?:\\xE2\\x80\\xA2|\\xE2\\x97\\x8F){4}[ .-]?[0-9]' },
  ];
  const FRAGMENTS = ['#', '##', '####', '*', '****', 'x', 'X', 'xxxx', '•', '••••', '●', ' ', '.', '-', '_', '1', '9', 'a', '\n'];

  for (const engine of ['hyperscan', 'javascript'] as const) {
    const spec = compile(MASK_SPEC, {}, { engine });
    const builtin = compile(builtinPatterns().patterns, {}, { engine });
    const digits = (b: Uint8Array): number[] => [...new Set(ends(spec, b).map((e) => e - 1))].sort((x, y) => x - y);
    const found = (b: Uint8Array): number[] => {
      const m = builtin.scan(b);
      const out = new Set<number>();
      for (let k = 0; k < m.length; k += 3) {
        if (m[k] !== ID.maskThenDigit) continue;
        const d = maskDigit(b, m[k + 2]!);
        if (d >= 0) out.add(d);
      }
      return [...out].sort((x, y) => x - y);
    };

    it(`${engine}: the hits and maskDigit find the digits the former expressions ended on (property)`, () => {
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }), (parts) => {
          const b = Buffer.from(parts.join(''), 'utf8');
          expect(found(b)).toEqual(digits(b));
        }),
        { numRuns: 2000, seed: 20261128 },
      );
    });

    it(`${engine}: '#### 4242', '######-4242', '####.' and '#####'`, () => {
      expect(found(Buffer.from('#### 4242'))).toEqual([5]);
      expect(found(Buffer.from('card ######-4242'))).toEqual([12]);
      expect(found(Buffer.from('####. 4'))).toEqual([]);
      expect(found(Buffer.from('#####'))).toEqual([]);
    });
  }
});
