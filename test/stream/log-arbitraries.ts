/**
 * fast-check arbitraries for log-like input with card data in every shape the detectors handle,
 * including shapes that reach across a line break. Public test card numbers only.
 */
import fc from 'fast-check';

export const TEST_CARDS = ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '4012888888881881', '3530111333300000'];

const card = fc.constantFrom(...TEST_CARDS);
const separator = fc.constantFrom('', ' ', '-', '.', '\u00a0');

function grouped(pan: string, sep: string): string {
  return pan.match(/.{1,4}/g)!.join(sep);
}

const timestamp = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 999 }))
  .map(([h, m, ms]) => `2026-11-27T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:07.${String(ms).padStart(3, '0')}Z`);

const word = fc.constantFrom('charge', 'authorized', 'retry', 'user', 'order', 'ok', 'latency', 'INFO', 'WARN', 'card', 'cvv', 'exp', 'pin', 'track');

const fragment: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(timestamp, fc.array(word, { maxLength: 6 }), fc.nat()).map(([t, w, n]) => `${t} INFO ${w.join(' ')} id=${n}`) },
  { weight: 3, arbitrary: fc.tuple(card, separator).map(([c, s]) => `payment card=${grouped(c, s)} ok`) },
  { weight: 1, arbitrary: card.map((c) => `card ${grouped(c.slice(0, 8), ' ')}\n${grouped(c.slice(8), ' ')} wrapped`) },
  { weight: 2, arbitrary: fc.integer({ min: 100, max: 9999 }).map((n) => `cvv: ${n}`) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 999 }).map((n) => `"cvc": "${n}", "exp": "12/28"`) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 999 }).map((n) => `security code\n${n} given`) },
  { weight: 1, arbitrary: card.map((c) => `;${c}=28121011000012300000?`) },
  { weight: 1, arbitrary: card.map((c) => `masked ${c.slice(0, 6)}******${c.slice(-4)}`) },
  { weight: 1, arbitrary: fc.constantFrom('blk_-1608999687919862906 replicated', 'epoch 1700000000123 ms', 'id 1764230895000000') },
  { weight: 1, arbitrary: fc.constantFrom('full card dump requested', 'cvv spreadsheet attached', 'track 2 data here') },
  { weight: 1, arbitrary: card.map((c) => `wide ${[...c].map((d) => String.fromCharCode(0xff10 + Number(d))).join('')} end`) },
  { weight: 1, arbitrary: card.map((c) => `enc ${[...c].map((d) => `%3${d}`).join('')}`) },
  { weight: 1, arbitrary: card.map((c) => `html ${[...c.slice(0, 8)].map((d) => `&#${48 + Number(d)};`).join('')}\n${[...c.slice(8)].map((d) => `&#${48 + Number(d)};`).join('')}`) },
  { weight: 1, arbitrary: card.map((c) => `zw ${[...c].join('\u200b')}`) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 100, maxLength: 900 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);

/** UTF-8 log text: fragments joined by LF or CRLF, sometimes without a final newline. */
export const logText: fc.Arbitrary<string> = fc
  .tuple(fc.array(fragment, { minLength: 1, maxLength: 700, size: 'max' }), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([lines, eol, trailing]) => lines.join(eol) + (trailing ? eol : ''));

/** Log bytes that may include invalid UTF-8 and NUL bytes between lines. */
export const logBytes: fc.Arbitrary<Buffer> = fc
  .tuple(logText, fc.array(fc.uint8Array({ maxLength: 12 }), { maxLength: 4 }))
  .map(([text, blobs]) => Buffer.concat([Buffer.from(text), ...blobs.map((b) => Buffer.concat([Buffer.from(b), Buffer.from('\n')]))]));

const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fragment,
  card.map((c) => Number(c)),
  fc.integer(),
  fc.constant(null),
  fc.array(fragment, { maxLength: 3 }),
);

/** JSON lines (objects with card data in strings, numbers, arrays and keys) and a few non-JSON lines. */
export const jsonLines: fc.Arbitrary<Buffer> = fc
  .array(
    fc.oneof(
      { weight: 5, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom('msg', 'card', 'cvv', 'note'), card), jsonValue, { maxKeys: 4 }).map((o) => JSON.stringify(o)) },
      { weight: 1, arbitrary: fragment.map((f) => f.replace(/\n/g, ' ')) },
    ),
    { minLength: 1, maxLength: 500, size: 'max' },
  )
  .map((lines) => Buffer.from(lines.join('\n') + '\n'));

/** Chunk sizes from one byte up. */
export const chunkSizes: fc.Arbitrary<number[]> = fc.array(fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 5000 })), {
  minLength: 1,
  maxLength: 30,
});

export function chunk(input: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0, k = 0; i < input.length; k++) {
    const n = sizes[k % sizes.length]!;
    out.push(input.subarray(i, i + n));
    i += n;
  }
  return out;
}
