/**
 * The engine entry point: compile patterns into a `Database` on the best available engine.
 *
 * - `hyperscan`: the native addon (lib/engine/native.ts) over the system libhs.
 * - `javascript`: the V8 RegExp fallback (lib/engine/fallback.ts).
 *
 * With `engine: 'auto'` (the default) cardveil uses Hyperscan when its addon loads and otherwise
 * falls back to JavaScript, emitting one process warning (code `CARDVEIL_FALLBACK`) that names
 * the reason. The environment variable `CARDVEIL_ENGINE=javascript` makes `auto` pick JavaScript
 * without trying the addon (`CARDVEIL_ENGINE=hyperscan` makes `auto` insist on the addon). An
 * explicit `engine` option always wins over the variable.
 *
 * @example
 * import { compile } from 'cardveil';
 * const db = compile([{ id: 1, expression: '\\bcvv2?\\b', flags: { caseless: true } }]);
 * db.scan('CVV 123'); // Float64Array [1, -1, 3]
 */
import { EngineError } from './errors.js';
import { compileFallback, deserializeFallback } from './fallback.js';
import { loadNative, type NativeAddon } from './loader.js';
import { compileNative, deserializeNative, isNativeSerialization, NativeDatabase } from './native.js';
import type { CompileOptions, Database, EngineKind, PatternSpec } from './types.js';

export type * from './types.js';
export { EngineError } from './errors.js';
export { NativeDatabase } from './native.js';

/** Which engine to use: `auto` (default) prefers Hyperscan and falls back to JavaScript. */
export type EngineChoice = 'auto' | EngineKind;

export interface EngineSelection {
  readonly engine?: EngineChoice;
}

let warned = false;

function environmentChoice(): EngineChoice {
  const value = process.env['CARDVEIL_ENGINE'];
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === 'hyperscan' || value === 'javascript') return value;
  throw new EngineError(
    'ERR_INVALID_ARGUMENT',
    `Expected 'auto', 'hyperscan' or 'javascript' for CARDVEIL_ENGINE but received '${value}'`,
  );
}

function choice(selection: EngineSelection | undefined): EngineChoice {
  const engine = selection?.engine ?? 'auto';
  if (engine !== 'auto' && engine !== 'hyperscan' && engine !== 'javascript') {
    throw new EngineError(
      'ERR_INVALID_ARGUMENT',
      `Expected 'auto', 'hyperscan' or 'javascript' for engine but received ${typeof engine === 'string' ? `'${engine}'` : typeof engine}`,
    );
  }
  return engine === 'auto' ? environmentChoice() : engine;
}

/** The addon, or undefined when `auto` should fall back (after warning once). */
function resolve(engine: EngineChoice): NativeAddon | undefined {
  if (engine === 'javascript') return undefined;
  const loaded = loadNative();
  if (loaded.addon) return loaded.addon;
  if (engine === 'hyperscan') {
    throw new EngineError('ERR_NATIVE_UNAVAILABLE', loaded.error.message);
  }
  if (!warned) {
    warned = true;
    process.emitWarning(`cardveil is using its JavaScript engine (slower). ${loaded.error.message}`, {
      code: 'CARDVEIL_FALLBACK',
    });
  }
  return undefined;
}

/**
 * Compiles patterns (and optionally the card-window and evasion-hint passes) into a database.
 *
 * @throws EngineError `ERR_PATTERN_COMPILE` naming the pattern's id and index,
 *   `ERR_INVALID_ARGUMENT` for a malformed spec, `ERR_NATIVE_UNAVAILABLE` / `ERR_PLATFORM` when
 *   `engine: 'hyperscan'` was asked for and the addon cannot run here.
 * @example
 * const db = compile([{ id: 7, expression: 'track2=', flags: { leftmostStart: true } }], {}, { engine: 'hyperscan' });
 * db.scan(Buffer.from('x track2=')); // Float64Array [7, 2, 9]
 */
export function compile(patterns: readonly PatternSpec[], options?: CompileOptions, selection?: EngineSelection): Database {
  const addon = resolve(choice(selection));
  return addon ? compileNative(addon, patterns, options) : compileFallback(patterns, options);
}

/**
 * Turns `Database.serialize()` bytes back into a database of the same engine kind without
 * compiling (how worker threads share one compiled database). Hyperscan bytes need the addon.
 *
 * @example
 * // main thread: new Worker(file, { workerData: db.serialize() })
 * // worker:      const db = deserialize(workerData);
 */
export function deserialize(bytes: Uint8Array, selection?: EngineSelection): Database {
  const engine = choice(selection);
  if (!(bytes instanceof Uint8Array)) {
    throw new EngineError('ERR_INVALID_ARGUMENT', `Expected a Uint8Array for bytes but received ${typeof bytes}`);
  }
  if (!isNativeSerialization(bytes)) {
    if (engine === 'hyperscan') {
      throw new EngineError('ERR_DESERIALIZE', 'Not a serialized cardveil Hyperscan database: wrong magic bytes');
    }
    return deserializeFallback(bytes);
  }
  if (engine === 'javascript') {
    throw new EngineError(
      'ERR_DESERIALIZE',
      'These bytes hold a Hyperscan database, which the JavaScript engine cannot read: compile the patterns with the JavaScript engine instead',
    );
  }
  const loaded = loadNative();
  if (!loaded.addon) throw new EngineError('ERR_NATIVE_UNAVAILABLE', loaded.error.message);
  return deserializeNative(loaded.addon, bytes);
}

/**
 * The engine `compile(patterns)` picks with `engine: 'auto'` in this process right now.
 *
 * @example
 * if (activeEngine() === 'javascript') console.error(nativeLoadError()?.message);
 */
export function activeEngine(): EngineKind {
  const engine = choice(undefined);
  if (engine !== 'auto') return engine;
  return loadNative().addon ? 'hyperscan' : 'javascript';
}

/**
 * Why the Hyperscan addon cannot be used here (an EngineError whose message lists numbered
 * fixes), or undefined when it loads.
 *
 * @example
 * const reason = nativeLoadError(); // undefined on a machine with libhs and a built addon
 */
export function nativeLoadError(): Error | undefined {
  return loadNative().error;
}

/**
 * Scans records laid end to end in one buffer (record `r` is `buffer[ends[r-1] .. ends[r])`) and
 * returns `[record, id, start, end]` quads. On Hyperscan this is one native call for the whole
 * batch; on other engines it scans views of the buffer with `scanBatch`.
 *
 * @example
 * const lines = Buffer.from('cvv=123\nok\n');
 * scanRecords(db, lines, new Uint32Array([8, 11]));
 */
export function scanRecords(db: Database, buffer: Uint8Array, ends: Uint32Array): Float64Array {
  if (db instanceof NativeDatabase) return db.scanRecords(buffer, ends);
  const views: Uint8Array[] = [];
  let start = 0;
  for (let r = 0; r < ends.length; r++) {
    const end = ends[r]!;
    if (end < start || end > buffer.length) {
      throw new EngineError(
        'ERR_INVALID_ARGUMENT',
        `Expected ends to be non-decreasing offsets within the buffer, but ends[${r}] is ${end}`,
      );
    }
    views.push(buffer.subarray(start, end));
    start = end;
  }
  return db.scanBatch(views);
}
