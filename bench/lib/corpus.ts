/**
 * The benchmark inputs: real logs (loghub) repeated to a target size, and a card-dense variant.
 *
 * Every contender in a suite gets the same bytes, so the corpus is built once per run, in memory,
 * before anything is timed. Built deterministically (seeded PRNG) so runs are comparable.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Corpus {
  readonly name: string;
  readonly bytes: Buffer;
  /** End offset (exclusive, newline included) of each line: the record boundaries for batch scans. */
  readonly lineEnds: Uint32Array;
}

export interface Corpora {
  /** loghub files concatenated and repeated to the target size. */
  readonly loghub: Corpus;
  /** The same plus about one generated test card number per 2 KB. */
  readonly cardDense: Corpus;
  /** Number of card numbers planted in `cardDense`. */
  readonly plantedCards: number;
  readonly sourceDir: string;
}

/**
 * Where the loghub samples live: `CARDVEIL_CORPUS`, else `../shared/corpus/loghub` beside the
 * repository (the CI clone has shared/ next to it).
 */
export function corpusDir(): string {
  const fromEnv = process.env.CARDVEIL_CORPUS;
  const dir = fromEnv ? resolve(fromEnv) : resolve(REPO_ROOT, '..', 'shared', 'corpus', 'loghub');
  if (!existsSync(dir)) {
    throw new Error(
      `benchmark corpus not found at ${dir}: set CARDVEIL_CORPUS to the loghub folder ` +
        '(the one holding Apache_2k.log, HDFS_2k.log, ...)',
    );
  }
  return dir;
}

/** The loghub files, sorted by name, joined with a newline where a file lacks a final one. */
export function loadLoghubOnce(dir: string): Buffer {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort();
  if (files.length === 0) throw new Error(`no .log files in ${dir}`);
  const parts: Buffer[] = [];
  for (const f of files) {
    const b = readFileSync(join(dir, f));
    parts.push(b);
    // Without this, the last digits of one file would run into the first digits of the next.
    if (b.length > 0 && b[b.length - 1] !== 0x0a) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** Whole copies of `once` until at least `targetBytes`. */
export function repeatTo(once: Buffer, targetBytes: number): Buffer {
  const copies = Math.max(1, Math.ceil(targetBytes / once.length));
  return Buffer.concat(Array.from({ length: copies }, () => once));
}

export function lineEndsOf(bytes: Uint8Array): Uint32Array {
  const ends: number[] = [];
  let from = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, from);
    if (nl === -1) break;
    ends.push(nl + 1);
    from = nl + 1;
  }
  if (from < bytes.length) ends.push(bytes.length);
  return Uint32Array.from(ends);
}

/** Fixed-size record boundaries: `size`-byte records (the last one shorter). */
export function fixedEnds(length: number, size: number): Uint32Array {
  const count = Math.ceil(length / size);
  const ends = new Uint32Array(count);
  for (let k = 0; k < count; k++) ends[k] = Math.min(length, (k + 1) * size);
  return ends;
}

/** mulberry32: small, fast, seeded; good enough to spread test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Issuer prefixes used to generate test numbers: [prefix, length]. */
const ISSUERS: ReadonlyArray<readonly [string, number]> = [
  ['4', 16], // Visa
  ['51', 16], ['55', 16], ['2221', 16], ['2720', 16], // Mastercard
  ['34', 15], ['37', 15], // Amex
  ['6011', 16], ['65', 16], // Discover
  ['3528', 16], ['3589', 16], // JCB
  ['36', 14], // Diners
  ['62', 16], ['62', 19], // UnionPay
];

/** Luhn check digit for a digit string (the check digit appended at the end). */
export function luhnCheckDigit(body: string): number {
  let sum = 0;
  let double = true; // the rightmost body digit is doubled once the check digit is appended
  for (let i = body.length - 1; i >= 0; i--) {
    let d = body.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return (10 - (sum % 10)) % 10;
}

/** A Luhn-valid number inside a real issuer range (generated; never a real card). */
export function generatePan(rand: () => number): string {
  const [prefix, length] = ISSUERS[Math.floor(rand() * ISSUERS.length)]!;
  let body = prefix;
  while (body.length < length - 1) body += String(Math.floor(rand() * 10));
  return body + String(luhnCheckDigit(body));
}

/** Prints a PAN the ways people write them: plain, 4-4-4-4 with spaces or dashes, Amex 4-6-5. */
function render(pan: string, rand: () => number): string {
  const style = Math.floor(rand() * 3);
  if (style === 0) return pan;
  const sep = style === 1 ? ' ' : '-';
  const groups = pan.length === 15 ? [4, 6, 5] : [4, 4, 4, 4, 4];
  const out: string[] = [];
  let at = 0;
  for (const g of groups) {
    if (at >= pan.length) break;
    out.push(pan.slice(at, at + g));
    at += g;
  }
  return out.join(sep);
}

const TEMPLATES: ReadonlyArray<(card: string) => string> = [
  (c) => `2026-11-27 10:00:01,112 INFO payment.Authorizer: charge accepted card=${c} amount=42.10 currency=EUR\n`,
  (c) => `2026-11-27 10:00:02,907 WARN checkout: retrying request body {"card_number":"${c}","exp":"12/29"}\n`,
  (c) => `Nov 27 10:00:03 web01 app[2211]: customer entered ${c} in the notes field\n`,
  (c) => `2026-11-27T10:00:04Z DEBUG gateway pan=${c} cvv=123 status=declined\n`,
];

/** Inserts one generated card line after the line that crosses each `every`-byte mark. */
export function plantCards(base: Buffer, every: number, seed: number): { bytes: Buffer; planted: number } {
  const rand = prng(seed);
  const parts: Buffer[] = [];
  let planted = 0;
  let from = 0;
  let nextMark = every;
  while (from < base.length) {
    let nl = base.indexOf(0x0a, Math.min(nextMark, base.length - 1));
    nl = nl === -1 ? base.length : nl + 1;
    parts.push(base.subarray(from, nl));
    if (nl < base.length || base[base.length - 1] === 0x0a) {
      const template = TEMPLATES[Math.floor(rand() * TEMPLATES.length)]!;
      parts.push(Buffer.from(template(render(generatePan(rand), rand)), 'latin1'));
      planted++;
    }
    from = nl;
    // Marks stay on a fixed grid (every `every` bytes of the base), so density does not drift
    // with line length.
    while (nextMark < from) nextMark += every;
  }
  return { bytes: Buffer.concat(parts), planted };
}

/** Builds both corpora at about `targetBytes` each (20 MB for the full run). */
export function buildCorpora(targetBytes: number): Corpora {
  const sourceDir = corpusDir();
  const loghubBytes = repeatTo(loadLoghubOnce(sourceDir), targetBytes);
  const { bytes: denseBytes, planted } = plantCards(loghubBytes, 2048, 20261127);
  return {
    loghub: { name: 'loghub', bytes: loghubBytes, lineEnds: lineEndsOf(loghubBytes) },
    cardDense: { name: 'loghub+cards', bytes: denseBytes, lineEnds: lineEndsOf(denseBytes) },
    plantedCards: planted,
    sourceDir,
  };
}

/** The first `bytes` of a corpus, cut at a line end: the slice the slow peer libraries get. */
export function sliceAtLine(corpus: Corpus, bytes: number): Buffer {
  const end = corpus.bytes.indexOf(0x0a, Math.min(bytes, corpus.bytes.length - 1));
  return corpus.bytes.subarray(0, end === -1 ? corpus.bytes.length : end + 1);
}
