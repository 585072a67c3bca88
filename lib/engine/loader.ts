/**
 * Loads the Hyperscan addon (`cardveil.node`) once per thread.
 *
 * Where it looks: `node-gyp-build` from the package root, which tries `build/Release/` (a local
 * `npm run build:native`) and then `prebuilds/<platform>-<arch>/`. The root is found by walking up
 * from this file to cardveil's package.json, so it works from `lib/` (tsx, vitest) and from `dist/`.
 * `CARDVEIL_ADDON_PATH` names an exact `.node` file instead (scripts/asan.sh uses it to load the
 * AddressSanitizer build).
 *
 * Failure is a value, not a throw: the caller decides between the JavaScript fallback and an error.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { EngineError } from './errors.js';

/** The addon's exports (native/addon.cc). Internal: only lib/engine/native.ts calls them. */
export interface NativeAddon {
  init(errorClass: typeof EngineError): void;
  compile(
    expressions: string[],
    flags: Uint32Array,
    ids: Uint32Array,
    ext: Float64Array,
    cardWindowId: number,
    rangeFrom: string[],
    rangeTo: string[],
    rangeLengthMasks: Uint32Array,
    evasionHintId: number,
    hintDigits: Uint32Array,
    hintInvisibles: Uint32Array,
  ): NativeHandle;
  deserialize(bytes: Uint8Array): NativeHandle;
  validPlatform(): boolean;
  version(): string;
  /** Live native pattern sets, streams and async scans in this process (for leak tests). */
  liveObjects(): { patternSets: number; streams: number; asyncScans: number };
  readonly flags: Readonly<Record<'CASELESS' | 'DOTALL' | 'MULTILINE' | 'SINGLEMATCH' | 'UTF8' | 'UCP' | 'SOM_LEFTMOST', number>>;
}

/** The native database object (native/database_wrap.h). */
export interface NativeHandle {
  patternCount(): number;
  scan(input: string | Uint8Array): Float64Array;
  scanBatch(records: readonly (string | Uint8Array)[]): Float64Array;
  scanRecords(buffer: Uint8Array, ends: Uint32Array): Float64Array;
  scanAsync(input: string | Uint8Array): Promise<Float64Array>;
  openStream(): NativeStreamHandle;
  serialize(): Uint8Array;
  close(): void;
}

/** The native stream object (native/stream_wrap.h). */
export interface NativeStreamHandle {
  write(chunk: Uint8Array): Float64Array;
  close(): Float64Array;
}

export type LoadResult = { readonly addon: NativeAddon; readonly error?: undefined } | { readonly addon?: undefined; readonly error: EngineError };

let loaded: LoadResult | undefined;

/** The package root: the nearest ancestor directory whose package.json is cardveil's. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'cardveil') return dir;
      } catch {
        // an unreadable package.json is not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the cardveil package root above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

function fixes(reason: string): string {
  return [
    `The cardveil Hyperscan addon could not be loaded: ${reason}`,
    'Fixes, in order:',
    '  1. Install Hyperscan and a build toolchain: `bash scripts/setup.sh` (Debian/Ubuntu: libhyperscan-dev;',
    '     Fedora: hyperscan-devel; macOS: `brew install vectorscan`), which also builds the addon.',
    '  2. Rebuild the addon for this Node.js: `npm run build:native` (needs cmake and a C++17 compiler).',
    '  3. Check that the shared library is found at run time: `ldconfig -p | grep libhs`.',
    '  4. Or run on the slower JavaScript engine: set CARDVEIL_ENGINE=javascript, or pass { engine: \'javascript\' }.',
  ].join('\n');
}

function load(): LoadResult {
  const require = createRequire(import.meta.url);
  let addon: NativeAddon;
  try {
    const exact = process.env['CARDVEIL_ADDON_PATH'];
    if (exact) {
      addon = require(path.resolve(exact)) as NativeAddon;
    } else {
      const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
      addon = nodeGypBuild(packageRoot()) as NativeAddon;
    }
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0]! : String(cause);
    return { error: new EngineError('ERR_NATIVE_UNAVAILABLE', fixes(reason)) };
  }
  if (!addon.validPlatform()) {
    return {
      error: new EngineError(
        'ERR_PLATFORM',
        'This CPU cannot run Hyperscan (it needs x86-64 with SSSE3, or Vectorscan on ARM). ' +
          'Use the JavaScript engine: set CARDVEIL_ENGINE=javascript, or pass { engine: \'javascript\' }.',
      ),
    };
  }
  addon.init(EngineError);
  return { addon };
}

/** Loads the addon on first call and returns the same result afterwards. */
export function loadNative(): LoadResult {
  loaded ??= load();
  return loaded;
}
