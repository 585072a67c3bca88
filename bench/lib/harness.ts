/**
 * Builds and runs the C++ reference harness (bench/native/harness.cc), the ceiling every scan suite
 * compares Node against.
 *
 * The harness links the addon's own Node-free core (every native/*.cc that does not include
 * napi.h), so it runs exactly the scan code the addon runs. It is compiled with the flags of the
 * addon's Release build (-O3 -DNDEBUG, CMake's Release default) so the comparison isolates the
 * N-API boundary, not a difference in optimisation. The binary is cached under bench/.build/,
 * keyed by a hash of the compiler command and every source, so it is rebuilt only when one changes.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Corpus, REPO_ROOT } from './corpus.js';
import { externalRow, formatBytes, type Row } from './measure.js';
import type { BenchDatabase } from './ours.js';
import type { SuiteContext } from './suite.js';

const BUILD_DIR = join(REPO_ROOT, 'bench', '.build');
const HARNESS_SOURCE = join(REPO_ROOT, 'bench', 'native', 'harness.cc');
const NATIVE_DIR = join(REPO_ROOT, 'native');
const CXX = process.env.CXX ?? 'g++';
const FLAGS = ['-O3', '-DNDEBUG', '-std=c++17', '-pthread'];

export interface HarnessResult {
  readonly mode: 'block' | 'batch' | 'stream';
  readonly bytes: number;
  readonly records: number;
  readonly iterations: number;
  readonly p50_ms: number;
  readonly min_ms: number;
  readonly mb_per_s: number;
  readonly matches: number;
}

export type HarnessBuild = { ok: true; binary: string; sources: string[] } | { ok: false; reason: string };

/** True when `file` includes napi.h, directly or through native/'s own headers. */
function usesNapi(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file) || !existsSync(file)) return false;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  if (/#include\s*[<"]napi\.h[>"]/.test(text)) return true;
  for (const [, local] of text.matchAll(/#include\s*"([^"]+)"/g)) {
    if (usesNapi(join(NATIVE_DIR, local!), seen)) return true;
  }
  return false;
}

/** The addon's Node-free sources: native/*.cc not touching N-API (the layer the bench subtracts). */
function coreSources(): string[] {
  if (!existsSync(NATIVE_DIR)) return [];
  return readdirSync(NATIVE_DIR)
    .filter((f) => f.endsWith('.cc'))
    .sort()
    .map((f) => join(NATIVE_DIR, f))
    .filter((path) => !usesNapi(path));
}

let cached: HarnessBuild | undefined;

/** Compiles the harness once per source change; returns why when it cannot (no g++, no libhs...). */
export function buildHarness(): HarnessBuild {
  if (cached) return cached;
  const sources = coreSources();
  if (!sources.some((s) => s.endsWith('pattern_set.cc'))) {
    cached = { ok: false, reason: 'native/pattern_set.cc is missing: the engine core has not landed' };
    return cached;
  }
  const all = [HARNESS_SOURCE, ...sources];
  const hash = createHash('sha256');
  hash.update([CXX, ...FLAGS].join(' '));
  for (const file of all) hash.update(file).update(readFileSync(file));
  for (const header of readdirSync(NATIVE_DIR).filter((f) => f.endsWith('.h')).sort()) {
    hash.update(header).update(readFileSync(join(NATIVE_DIR, header)));
  }
  const binary = join(BUILD_DIR, `harness-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(binary)) {
    mkdirSync(BUILD_DIR, { recursive: true });
    // Old builds go once they are an hour old: a run started earlier may still be using one.
    for (const old of readdirSync(BUILD_DIR).filter((f) => f.startsWith('harness-'))) {
      if (Date.now() - statSync(join(BUILD_DIR, old)).mtimeMs > 3_600_000) rmSync(join(BUILD_DIR, old), { force: true });
    }
    const args = [...FLAGS, `-I${NATIVE_DIR}`, ...all, '-lhs', '-o', binary];
    const built = spawnSync(CXX, args, { encoding: 'utf8' });
    if (built.status !== 0) {
      const detail = (built.stderr || built.error?.message || '').split('\n').slice(0, 6).join('\n');
      cached = { ok: false, reason: `${CXX} could not build the C++ harness:\n${detail}` };
      return cached;
    }
  }
  cached = { ok: true, binary, sources: all.map((s) => s.slice(REPO_ROOT.length + 1)) };
  return cached;
}

/** This process's input folder: two bench runs at once (a check beside a full run) must not clash. */
const INPUT_DIR = join(BUILD_DIR, `inputs-${process.pid}`);

/** Writes an input file for the harness, by default under bench/.build/inputs-PID/ (see cleanInputs). */
export function writeInput(name: string, bytes: Uint8Array, dir = INPUT_DIR): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Removes this run's inputs, and those of earlier runs that were interrupted (their pid is gone). */
export function cleanInputs(): void {
  rmSync(INPUT_DIR, { recursive: true, force: true });
  if (!existsSync(BUILD_DIR)) return;
  for (const dir of readdirSync(BUILD_DIR).filter((d) => d.startsWith('inputs-'))) {
    const pid = Number(dir.slice('inputs-'.length));
    if (!processAlive(pid)) rmSync(join(BUILD_DIR, dir), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs the harness: `args` after DB and CORPUS, e.g. `['batch', endsFile, '1000']`. With
 * `clock: 'cpu'` it times with the process CPU clock, like the Node side does then.
 */
export function runHarness(
  binary: string,
  dbFile: string,
  corpusFile: string,
  args: readonly string[],
  clock: 'wall' | 'cpu' = 'wall',
): HarnessResult {
  const env = { ...process.env, CARDVEIL_HARNESS_CLOCK: clock };
  const run = spawnSync(binary, [dbFile, corpusFile, ...args], { encoding: 'utf8', maxBuffer: 1 << 20, env });
  if (run.status !== 0) {
    throw new Error(`C++ harness failed (${args.join(' ')}): ${(run.stderr || run.error?.message || '').trim()}`);
  }
  return JSON.parse(run.stdout) as HarnessResult;
}

/** The C++ harness row for `db` over `corpus` in one mode (block, batch or stream). */
export function harnessRow(
  ctx: SuiteContext,
  suite: string,
  db: BenchDatabase,
  dbName: string,
  corpus: Corpus,
  mode: readonly string[],
  contender: string,
): Row | string {
  if (!ctx.harness.ok) return ctx.harness.reason;
  const dbFile = writeInput(`${dbName}.db`, db.serialize());
  const result = runHarness(ctx.harness.binary, dbFile, ctx.corpusFile(corpus), [...mode, String(ctx.harnessMs)], ctx.clock);
  return externalRow({
    suite,
    contender,
    kind: 'native',
    input: `${corpus.name} ${formatBytes(corpus.bytes.length)}`,
    bytes: result.bytes,
    mbPerSec: result.mb_per_s,
    p50Us: result.p50_ms * 1e3,
    p99Us: Number.NaN,
    minUs: result.min_ms * 1e3,
    rmePct: Number.NaN,
    samples: result.iterations,
    count: result.matches,
  });
}
