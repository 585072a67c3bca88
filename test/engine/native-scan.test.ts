// Layer 2 of the native engine: block scans of strings and bytes, batches, async scans.
import { describe, expect, it } from 'vitest';
import { compile, EngineError, scanRecords } from '../../lib/engine/index.js';
import { loadNative } from '../../lib/engine/loader.js';

const hs = { engine: 'hyperscan' } as const;
const db = compile(
  [
    { id: 1, expression: 'foo', flags: { leftmostStart: true } },
    { id: 2, expression: 'bar' },
    { id: 3, expression: '😀', flags: { utf8: true, leftmostStart: true } },
    { id: 4, expression: '\\xc3', flags: { leftmostStart: true } },
  ],
  { cardWindows: { id: 900, ranges: [{ from: '4', to: '4', lengths: [16] }, { from: '51', to: '55', lengths: [16] }] } },
  hs,
);
const triples = (a: Float64Array) => Array.from(a);

describe('native scan of strings', () => {
  it('reports ASCII offsets as they are', () => {
    expect(triples(db.scan('xx foo bar'))).toEqual([1, 3, 6, 2, -1, 10]);
  });

  it('reports offsets in UTF-16 units after non-ASCII text', () => {
    // "é" is 2 bytes in UTF-8 but 1 UTF-16 unit; the \xc3 pattern hits its first byte.
    expect(triples(db.scan('é foo'))).toEqual([4, 0, 1, 1, 2, 5]);
  });

  it('counts a surrogate pair as two units, before and inside a match', () => {
    expect(triples(db.scan('😀foo'))).toEqual([3, 0, 2, 1, 2, 5]);
    expect(triples(db.scan('a😀b foo'))).toEqual([3, 1, 3, 1, 5, 8]);
  });

  it('widens a match ending inside a character to the whole character', () => {
    // \xc3 matches only the first byte of "é": the span covers the whole "é".
    expect(triples(db.scan('aé'))).toEqual([4, 1, 2]);
  });

  it('reads a lone surrogate as one unit', () => {
    expect(triples(db.scan('\ud800foo'))).toEqual([1, 1, 4]);
  });

  it('reports card windows beside pattern matches, sorted by end, id, start', () => {
    expect(triples(db.scan('é 5555 5555 5555 4444 foo 4111111111111111'))).toEqual([
      4, 0, 1, 900, 2, 21, 1, 22, 25, 900, 26, 42,
    ]);
  });
});

describe('native scan of bytes', () => {
  it('reports byte offsets for a Buffer', () => {
    expect(triples(db.scan(Buffer.from('é foo')))).toEqual([4, 0, 1, 1, 3, 6]);
  });

  it('honours the byteOffset of a subarray and of a Uint8Array view', () => {
    const buffer = Buffer.from('foo foo bar');
    expect(triples(db.scan(buffer.subarray(4)))).toEqual([1, 0, 3, 2, -1, 7]);
    const view = new Uint8Array(buffer.buffer, buffer.byteOffset + 8, 3);
    expect(triples(db.scan(view))).toEqual([2, -1, 3]);
  });

  it('scans empty inputs (an empty view may have no memory behind it)', async () => {
    expect(triples(db.scan(new Uint8Array(0)))).toEqual([]);
    expect(triples(db.scan(Buffer.alloc(0)))).toEqual([]);
    expect(triples(db.scan(''))).toEqual([]);
    expect(triples(await db.scanAsync(new Uint8Array(0)))).toEqual([]);
  });

  it('refuses other typed arrays and non-inputs with the uniform wording', () => {
    expect(() => db.scan(new Uint16Array(4) as unknown as Uint8Array)).toThrow(
      'Expected a string, Buffer or Uint8Array for input but received object',
    );
    expect(() => db.scan(42 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: 'Expected a string, Buffer or Uint8Array for input but received number' }),
    );
  });
});

describe('native batches', () => {
  it('scanBatch returns [record, id, start, end] quads for strings and buffers', () => {
    expect(Array.from(db.scanBatch(['foo', Buffer.from('é bar'), '', '😀foo']))).toEqual([
      0, 1, 0, 3, 1, 4, 0, 1, 1, 2, -1, 6, 3, 3, 0, 2, 3, 1, 2, 5,
    ]);
  });

  it('scanBatch names the record that is not a string or bytes', () => {
    expect(() => db.scanBatch(['foo', Buffer.from('x'), 7 as unknown as string])).toThrow(
      'Expected a string, Buffer or Uint8Array for records[2] but received number',
    );
  });

  it('scanRecords scans records laid end to end in one buffer', () => {
    const buffer = Buffer.from('foo\nno\nbar 4111111111111111\n');
    expect(Array.from(scanRecords(db, buffer, new Uint32Array([4, 7, 28])))).toEqual([0, 1, 0, 3, 2, 2, -1, 3, 2, 900, 4, 20]);
  });

  it('scanRecords refuses ends that go backwards or past the buffer', () => {
    const buffer = Buffer.from('foo bar');
    expect(() => scanRecords(db, buffer, new Uint32Array([4, 3]))).toThrow(
      'Expected ends to be non-decreasing offsets within the buffer, but ends[1] is 3',
    );
    expect(() => scanRecords(db, buffer, new Uint32Array([8]))).toThrow(
      'Expected ends to be non-decreasing offsets within the buffer, but ends[0] is 8',
    );
  });

  it('refuses to be called back from a getter while scanBatch runs', () => {
    const local = compile([{ id: 1, expression: 'foo' }], {}, hs);
    const records = ['foo'];
    Object.defineProperty(records, 1, { enumerable: true, get: () => (local.close(), 'foo') });
    expect(() => local.scanBatch(records)).toThrow('The database was called from inside its own scanBatch');
    expect(Array.from(local.scan('foo'))).toEqual([1, -1, 3]);
  });
});

describe('native async scans', () => {
  it('resolves to the same triples as the synchronous scan', async () => {
    const inputs = ['xx foo bar', 'é 5555 5555 5555 4444 foo', Buffer.from('a😀b foo'), Buffer.from('foo bar').subarray(4)];
    for (const input of inputs) expect(triples(await db.scanAsync(input))).toEqual(triples(db.scan(input)));
  });

  it('runs many scans of one database concurrently, each with the right result', async () => {
    const inputs = Array.from({ length: 64 }, (_, i) => `${'x'.repeat(i * 37)} foo ${'é'.repeat(i)} bar 4111111111111111`);
    const results = await Promise.all(inputs.map((input) => db.scanAsync(input)));
    results.forEach((result, i) => expect(triples(result)).toEqual(triples(db.scan(inputs[i]!))));
  });

  it('rejects bad input with a typed error and keeps the caller in the stack', async () => {
    const error = await db.scanAsync(42 as unknown as string).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('ERR_INVALID_ARGUMENT');
    expect((error as EngineError).stack).toContain('native-scan.test.ts');
  });

  it('finishes a pending scan after close(), then refuses new ones', async () => {
    const local = compile([{ id: 1, expression: 'foo' }], {}, hs);
    const pending = local.scanAsync(Buffer.from('a foo'));
    local.close();
    local.close();
    expect(triples(await pending)).toEqual([1, -1, 5]);
    expect(() => local.scan('foo')).toThrow(expect.objectContaining({ code: 'ERR_DATABASE_CLOSED' }));
    await expect(local.scanAsync('foo')).rejects.toMatchObject({ code: 'ERR_DATABASE_CLOSED' });
  });
});

describe('native objects', () => {
  // V8's receiver check answers first; the type tags in native/ are the second line of defence.
  it('refuse a borrowed method called on another native object', () => {
    const addon = loadNative().addon!;
    const handle = addon.compile(['foo'], new Uint32Array(1), new Uint32Array(1), new Float64Array(5).fill(-1), -1, [], [], new Uint32Array(0), -1, new Uint32Array(0), new Uint32Array(0));
    const stream = handle.openStream();
    expect(() => handle.scan.call(stream, 'foo')).toThrow('Illegal invocation');
    expect(() => stream.write.call(handle as never, Buffer.from('foo'))).toThrow('Illegal invocation');
    expect(() => handle.scan.call({}, 'foo')).toThrow('Illegal invocation');
  });
});
