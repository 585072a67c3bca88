/**
 * Loads cardveil's own modules for the suites, each on its own.
 *
 * Imports are dynamic on purpose: a suite whose module is missing or fails to load is reported as
 * skipped with the reason, and every other suite still runs. The shapes below are the parts of the
 * public contracts (lib/engine/types.ts, the Detector, the Scrubber, the stream) that the bench
 * calls, checked at load time so a renamed method gives a clear reason instead of a crash mid-run.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CardWindowConfig, CompileOptions, Database, EvasionHintConfig, PatternSpec } from '../../lib/engine/types.js';
import { REPO_ROOT } from './corpus.js';

export type Loaded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** A Database that may also have the one-buffer batch entry point the native helper planned. */
export interface BenchDatabase extends Database {
  scanRecords?(buffer: Uint8Array, ends: Uint32Array): Float64Array;
}

export interface EngineModule {
  compile(
    patterns: readonly PatternSpec[],
    options?: CompileOptions,
    engine?: { engine?: 'auto' | 'hyperscan' | 'javascript' },
  ): BenchDatabase;
  deserialize(bytes: Uint8Array, engine?: { engine?: 'auto' | 'hyperscan' | 'javascript' }): BenchDatabase;
}

export interface BuiltinPatterns {
  readonly patterns: PatternSpec[];
  readonly cardWindows: CardWindowConfig;
  readonly evasionHints: EvasionHintConfig;
}

export interface DetectorLike {
  detect(input: string | Uint8Array, options?: { includeValues?: boolean }): readonly { readonly type: string }[];
  serialize(): Uint8Array;
}

export interface DetectorsModule {
  readonly Detector: new (options?: { engine?: 'auto' | 'hyperscan' | 'javascript'; serialized?: Uint8Array }) => DetectorLike;
  readonly builtinPatterns: () => BuiltinPatterns;
}

export interface ScrubResultLike<T> {
  readonly output: T;
  readonly verdict: string;
  readonly findings: number;
}

export interface ScrubberLike {
  scrubText(text: string): ScrubResultLike<string>;
  scrubBuffer(input: Uint8Array): ScrubResultLike<Buffer>;
}

export interface ScrubModule {
  readonly Scrubber: {
    create(options?: { pack?: unknown; engine?: 'auto' | 'hyperscan' | 'javascript' }): ScrubberLike;
  };
}

export interface StreamModule {
  createScrubStream(options?: { scrubber?: ScrubberLike }): import('node:stream').Transform;
}

/**
 * Our modules as users run them: the compiled JavaScript in dist/ (`npm run build:ts`, which the
 * bench scripts run first), not the TypeScript sources through tsx, whose transpiled module shape
 * (export getters, name helpers) adds its own overhead to every cross-module call.
 */
async function load(relative: string): Promise<Loaded<Record<string, unknown>>> {
  const compiled = relative.replace(/^lib\//, 'dist/').replace(/\.ts$/, '.js');
  try {
    const mod = (await import(pathToFileURL(join(REPO_ROOT, compiled)).href)) as Record<string, unknown>;
    return { ok: true, value: mod };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return { ok: false, reason: `${compiled} did not load (run npm run build:ts): ${message}` };
  }
}

function expectExports<T>(loaded: Loaded<Record<string, unknown>>, file: string, names: readonly string[]): Loaded<T> {
  if (!loaded.ok) return loaded;
  const missing = names.filter((n) => loaded.value[n] === undefined);
  if (missing.length > 0) return { ok: false, reason: `${file} does not export ${missing.join(', ')}` };
  return { ok: true, value: loaded.value as T };
}

export async function loadEngine(): Promise<Loaded<EngineModule>> {
  const file = 'lib/engine/index.ts';
  return expectExports<EngineModule>(await load(file), file, ['compile', 'deserialize']);
}

export async function loadDetectors(): Promise<Loaded<DetectorsModule>> {
  const detector = await load('lib/detectors/detector.ts');
  const patterns = await load('lib/detectors/patterns.ts');
  const d = expectExports<Pick<DetectorsModule, 'Detector'>>(detector, 'lib/detectors/detector.ts', ['Detector']);
  const p = expectExports<Pick<DetectorsModule, 'builtinPatterns'>>(patterns, 'lib/detectors/patterns.ts', ['builtinPatterns']);
  if (!d.ok) return d;
  if (!p.ok) return p;
  return { ok: true, value: { Detector: d.value.Detector, builtinPatterns: p.value.builtinPatterns } };
}

export async function loadBuiltinPatterns(): Promise<Loaded<BuiltinPatterns>> {
  const file = 'lib/detectors/patterns.ts';
  const p = expectExports<Pick<DetectorsModule, 'builtinPatterns'>>(await load(file), file, ['builtinPatterns']);
  return p.ok ? { ok: true, value: p.value.builtinPatterns() } : p;
}

export async function loadScrub(): Promise<Loaded<ScrubModule>> {
  const file = 'lib/scrub.ts';
  return expectExports<ScrubModule>(await load(file), file, ['Scrubber']);
}

export async function loadStream(): Promise<Loaded<StreamModule>> {
  const file = 'lib/stream/scrub-stream.ts';
  return expectExports<StreamModule>(await load(file), file, ['createScrubStream']);
}

/** Loads any module of ours by path, for the suites whose API is still settling (policy, gateway). */
export async function loadModule(relative: string, names: readonly string[]): Promise<Loaded<Record<string, unknown>>> {
  return expectExports<Record<string, unknown>>(await load(relative), relative, names);
}
