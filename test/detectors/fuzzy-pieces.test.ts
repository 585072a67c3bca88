import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockedFindings, customPatternSpecs, type CustomEntry } from '../../lib/detectors/custom.js';
import { compile } from '../../lib/engine/index.js';

type Blocked = CustomEntry & { kind: 'blocked' };

const databases = new Map<string, ReturnType<typeof compile>>();

/** Hits of one database (compiled once per pattern set) over `b`, as [start, end] pairs. */
function hits(specs: Parameters<typeof compile>[0], b: Uint8Array): [number, number][] {
  const key = JSON.stringify(specs);
  let db = databases.get(key);
  if (db === undefined) databases.set(key, (db = compile(specs, {}, { engine: 'auto' })));
  const m = db.scan(b);
  const out: [number, number][] = [];
  for (let k = 0; k < m.length; k += 3) out.push([m[k + 1]!, m[k + 2]!]);
  return out;
}

/** What the term's findings were with the engine's edit distance over the whole term. */
function viaEditDistance(term: string, distance: number, b: Uint8Array) {
  const expression = term.replace(/[\\^$.*+?()[\]{}|/-]/g, (c) => `\\${c}`);
  const found = hits([{ id: 1, expression, flags: { caseless: true }, extensions: { editDistance: distance } }], b);
  return blockedFindings(b, { kind: 'blocked', term, maxDistance: distance }, found);
}

/** The same through the term's exact pieces (what customPatternSpecs compiles). */
function viaPieces(term: string, distance: number, b: Uint8Array) {
  const { specs, entries } = customPatternSpecs([], [{ term, maxDistance: distance }]);
  const entry = entries.get(specs[0]!.id) as Blocked;
  return { pieces: specs.length, findings: blockedFindings(b, entry, hits(specs, b)) };
}

/** The term with up to `edits` random substitutions, insertions, deletions and case changes. */
const edited = (term: string, edits: number) =>
  fc.array(fc.tuple(fc.constantFrom('sub', 'ins', 'del', 'case'), fc.nat(), fc.constantFrom('x', ' ', 'a', '-', 'D', '1')), { maxLength: edits }).map((ops) => {
    let t = term;
    for (const [op, at, ch] of ops) {
      const i = at % (t.length + 1);
      if (op === 'sub') t = t.slice(0, i) + ch + t.slice(i + 1);
      else if (op === 'ins') t = t.slice(0, i) + ch + t.slice(i);
      else if (op === 'del') t = t.slice(0, i) + t.slice(i + 1);
      else t = t.slice(0, i) + t.slice(i, i + 1).toUpperCase() + t.slice(i + 1);
    }
    return t;
  });

describe('fuzzy blocked terms compiled as exact pieces', () => {
  it('compiles a long fuzzy term as distance + 1 pieces and keeps short ones fuzzy', () => {
    const long = customPatternSpecs([], [{ term: 'cvv spreadsheet', maxDistance: 1 }]).specs;
    expect(long.map((s) => s.expression)).toEqual(['cvv spre', 'adsheet']);
    expect(long.every((s) => s.extensions === undefined && s.id === long[0]!.id)).toBe(true);
    const short = customPatternSpecs([], [{ term: 'falcon', maxDistance: 1 }]).specs;
    expect(short).toEqual([{ id: short[0]!.id, expression: 'falcon', flags: { caseless: true }, extensions: { editDistance: 1 } }]);
  });

  it('finds exactly what the edit-distance pattern finds, in text around edited terms', () => {
    const terms = [['full card dump', 1], ['cvv spreadsheet', 1], ['track 2 data', 1], ['confidential merger plan', 2]] as const;
    let found = 0;
    const filler = fc.constantFrom(' ', '\n', 'full ', 'card ', 'dump', 'spreadsheet ', 'track ', '2 data', 'x', '.', 'merger ', 'plan');
    fc.assert(
      fc.property(
        fc.constantFrom(...terms).chain(([term, d]) =>
          fc.tuple(fc.constant(term), fc.constant(d), fc.array(fc.oneof(filler, edited(term, d + 1)), { maxLength: 8 }).map((parts) => parts.join(''))),
        ),
        ([term, d, text]) => {
          const b = Buffer.from(text, 'utf8');
          const { pieces, findings } = viaPieces(term, d, b);
          expect(pieces).toBe(d + 1);
          expect(findings).toEqual(viaEditDistance(term, d, b));
          found += findings.length;
        },
      ),
      { numRuns: 1500 },
    );
    expect(found).toBeGreaterThan(100); // the texts did hold fuzzy matches
    for (const db of databases.values()) db.close();
  });
});
