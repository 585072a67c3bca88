/** Gzip by content: input is gunzipped when it starts with the gzip magic bytes, whatever its name. */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export interface DecodedInput {
  /** True when the input was gzip (the output should be too). */
  readonly gzip: boolean;
  /** The (decompressed) bytes. */
  readonly source: AsyncIterable<Buffer>;
}

/** Reads the first bytes of `input` to tell gzip from plain data; replays them either way. */
export async function decodeInput(input: AsyncIterable<Buffer>): Promise<DecodedInput> {
  const iterator = input[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < 2) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.length;
  }
  const first = Buffer.concat(head, headBytes);
  async function* replay(): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    if (ended) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const gzip = first.length >= 2 && first[0] === GZIP_MAGIC_0 && first[1] === GZIP_MAGIC_1;
  if (!gzip) return { gzip, source: replay() };
  const gunzip = createGunzip();
  // A read or inflate error destroys gunzip with that error, which its async iterator rethrows.
  pipeline(Readable.from(replay(), { objectMode: false }), gunzip).catch(() => {});
  return { gzip, source: gunzip };
}
