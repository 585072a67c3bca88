/**
 * pino integration: scrub every log record before it is written.
 *
 * pino's own `redact` works on key paths only and cannot see a card number inside `msg`; this
 * scrubs the serialized record, every string value and key, keeping each line valid JSON (the
 * same JSON-lines scrubbing as `cardveil scrub --format jsonl`).
 *
 * Two forms:
 * - a transport (this module's default export; pino runs it in a worker thread):
 *   `pino({ transport: { target: 'cardveil/pino', options: { destination: 'app.log' } } })`,
 *   or as a middle pipeline stage with `{ pipeline: true }`;
 * - an in-process destination: `pino({}, createPinoDestination({ destination: 'app.log' }))`.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import build from 'pino-abstract-transport';
import { Scrubber } from '../scrub.js';
import { scrubJsonl } from '../stream/jsonl.js';
import type { BufferScrubber } from '../stream/types.js';

type ScrubberCreateOptions = NonNullable<Parameters<typeof Scrubber.create>[0]>;

export interface PinoScrubOptions {
  /** Where scrubbed lines go: a file path, a file descriptor (1 = stdout, the default) or a stream. */
  readonly destination?: string | number | NodeJS.WritableStream;
  /** Transport only: act as a middle pipeline stage (output goes to the next stage). */
  readonly pipeline?: boolean;
  /** A ready scrubber (in-process destination only: transports get options by structured clone). */
  readonly scrubber?: BufferScrubber;
  readonly pack?: ScrubberCreateOptions['pack'];
  readonly engine?: ScrubberCreateOptions['engine'];
}

/** Scrubs one serialized pino record (a JSON line, no trailing newline) into a line ending in `\n`. */
export function scrubPinoLine(scrubber: BufferScrubber, line: string): Buffer {
  return scrubJsonl(scrubber, Buffer.from(`${line}\n`, 'utf8')).output;
}

/**
 * The pino transport (default export, run by pino in a worker thread).
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const logger = pino({
 *   transport: { target: 'cardveil/pino', options: { destination: '/var/log/app.log' } },
 * });
 * logger.info({ card: '4111 1111 1111 1111' }, 'charged'); // written as "[REDACTED:PAN]"
 * ```
 */
export default async function cardveilPinoTransport(options: PinoScrubOptions = {}): Promise<Transform> {
  const scrubber = options.scrubber ?? createScrubber(options);
  if (options.pipeline) {
    // Middle stage: raw lines in, scrubbed lines out, piped on to the next stage by pino.
    return build(
      (source) => {
        const stage = new Transform({
          writableObjectMode: true,
          transform(line: string, _encoding: BufferEncoding, callback: TransformCallback) {
            try {
              callback(null, scrubPinoLine(scrubber, line));
            } catch (error) {
              callback(error as Error); // fail closed: the record is not passed on
            }
          },
        });
        return source.pipe(stage) as Transform & build.OnUnknown;
      },
      { parse: 'lines', enablePipelining: true },
    );
  }
  const destination = await openDestination(options.destination ?? 1);
  return build(
    async (source) => {
      for await (const line of source as AsyncIterable<string>) {
        if (!destination.write(scrubPinoLine(scrubber, line))) await once(destination, 'drain');
      }
    },
    {
      parse: 'lines',
      async close() {
        await endDestination(destination);
      },
    },
  );
}

/**
 * An in-process pino destination (no worker thread): pino writes serialized records into it, it
 * writes them scrubbed to `destination`.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * import { createPinoDestination } from 'cardveil/pino';
 * const logger = pino({}, createPinoDestination({ destination: 'app.log' }));
 * ```
 */
export function createPinoDestination(options: PinoScrubOptions = {}): Writable {
  const scrubber = options.scrubber ?? createScrubber(options);
  const opened = openDestination(options.destination ?? 1);
  let partial = '';
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      // pino writes one record per call, but a record may be split or several joined: cut on newlines.
      const text = partial + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      let output: Buffer;
      try {
        output = Buffer.concat(lines.map((line) => scrubPinoLine(scrubber, line)));
      } catch (error) {
        callback(error as Error);
        return;
      }
      opened.then((destination) => {
        if (output.length === 0 || destination.write(output)) callback();
        else destination.once('drain', () => callback());
      }, callback);
    },
    final(callback) {
      opened
        .then(async (destination) => {
          if (partial !== '') destination.write(scrubPinoLine(scrubber, partial));
          partial = '';
          await endDestination(destination);
        })
        .then(() => callback(), callback);
    },
  });
}

function createScrubber(options: PinoScrubOptions): BufferScrubber {
  return Scrubber.create({
    ...(options.pack !== undefined ? { pack: options.pack } : {}),
    ...(options.engine !== undefined ? { engine: options.engine } : {}),
  });
}

async function openDestination(destination: string | number | NodeJS.WritableStream): Promise<NodeJS.WritableStream> {
  if (typeof destination === 'object') return destination;
  if (destination === 1) return process.stdout;
  if (destination === 2) return process.stderr;
  if (typeof destination === 'number') return createWriteStream('', { fd: destination });
  await mkdir(dirname(destination), { recursive: true });
  const stream = createWriteStream(destination, { flags: 'a' });
  await once(stream, 'open');
  return stream;
}

async function endDestination(destination: NodeJS.WritableStream): Promise<void> {
  if (destination === process.stdout || destination === process.stderr) return;
  destination.end();
  await once(destination, 'finish');
}
