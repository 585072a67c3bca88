/**
 * winston integration: a logform format that scrubs every log record before any transport sees
 * it: `message`, every string in the metadata (nested objects and arrays included), the `splat`
 * arguments, and the finalized output line if a finalizing format already ran. The caller's own
 * objects are never modified: changed nested values are copies.
 */
import winston from 'winston';
import type { Logform } from 'winston';
import { Scrubber } from '../scrub.js';
import type { BufferScrubber } from '../stream/types.js';

type ScrubberCreateOptions = NonNullable<Parameters<typeof Scrubber.create>[0]>;

export interface WinstonScrubOptions {
  /** A ready scrubber (shared, compiled once). Default: `Scrubber.create({ pack, engine })`. */
  readonly scrubber?: BufferScrubber;
  readonly pack?: ScrubberCreateOptions['pack'];
  readonly engine?: ScrubberCreateOptions['engine'];
}

const MESSAGE = Symbol.for('message');
const SPLAT = Symbol.for('splat');

/**
 * A winston format that scrubs card data out of each record. Place it after `splat()` and before
 * the finalizing format (`json()`, `printf()`, ...); placed last, it also scrubs the final line.
 *
 * @example
 * ```ts
 * import winston from 'winston';
 * import { cardveilFormat } from 'cardveil/winston';
 * const logger = winston.createLogger({
 *   format: winston.format.combine(winston.format.splat(), cardveilFormat(), winston.format.json()),
 *   transports: [new winston.transports.File({ filename: 'app.log' })],
 * });
 * logger.info('paid with %s', '4111 1111 1111 1111'); // {"level":"info","message":"paid with [REDACTED:PAN]"}
 * ```
 */
export function cardveilFormat(options: WinstonScrubOptions = {}): Logform.Format {
  const scrubber =
    options.scrubber ??
    Scrubber.create({
      ...(options.pack !== undefined ? { pack: options.pack } : {}),
      ...(options.engine !== undefined ? { engine: options.engine } : {}),
    });
  const scrubInfo = winston.format((info) => {
    const record = info as Record<string | symbol, unknown>;
    for (const key of Object.keys(record)) {
      if (key === 'level') continue; // winston routes on it; never card data
      record[key] = scrubValue(scrubber, record[key], new Set());
    }
    if (Array.isArray(record[SPLAT])) record[SPLAT] = scrubValue(scrubber, record[SPLAT], new Set());
    if (typeof record[MESSAGE] === 'string') record[MESSAGE] = scrubber.scrubText(record[MESSAGE]).output;
    return info;
  });
  return scrubInfo();
}

/** Returns `value` itself when nothing in it changed, otherwise a scrubbed copy. */
function scrubValue(scrubber: BufferScrubber, value: unknown, seen: Set<object>): unknown {
  if (typeof value === 'string') {
    const result = scrubber.scrubText(value);
    return result.findings === 0 && result.verdict === 'allowed' ? value : result.output;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    const items = value.map((item) => scrubValue(scrubber, item, seen));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (value instanceof Error) {
    const message = scrubValue(scrubber, value.message, seen) as string;
    const stack = scrubValue(scrubber, value.stack, seen) as string | undefined;
    if (message === value.message && stack === value.stack) return value;
    const copy = new Error(message);
    copy.name = value.name;
    if (stack !== undefined) copy.stack = stack;
    return copy;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    // Class instances (Dates, Buffers, Maps, ...) are left as they are: their serialized form is
    // up to the finalizing format. To cover it too, add a second cardveilFormat() after that format.
    return value;
  }
  let copy: Record<string, unknown> | null = null;
  for (const [key, item] of Object.entries(value)) {
    const scrubbedKey = scrubValue(scrubber, key, seen) as string;
    const scrubbed = scrubValue(scrubber, item, seen);
    if (copy === null && (scrubbed !== item || scrubbedKey !== key)) copy = { ...(value as Record<string, unknown>) };
    if (copy !== null) {
      if (scrubbedKey !== key) delete copy[key];
      copy[scrubbedKey] = scrubbed;
    }
  }
  return copy ?? value;
}
