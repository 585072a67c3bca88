/**
 * A pool of scrub worker threads. The main thread compiles the pack once; each worker rebuilds an
 * equal Scrubber from `scrubber.toWorkerData()` (the serialized database, no recompilation) and
 * owns its own engine scratch. Segments go to workers with room (each holds up to two, so it
 * never waits for the main thread between segments); each `run` resolves with its own segment's
 * result, so a caller that awaits results in submission order writes output in input order
 * whatever order the workers finish in.
 *
 * Failure is closed: if a worker throws, cannot start or dies, every pending and later `run`
 * rejects with `ERR_WORKER`, and no output exists for those segments.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StreamError } from '../stream/errors.js';
import type { ScrubFormat, ScrubOutcome } from '../stream/types.js';
import type { InitMessage, ReadyReply, ScrubReply, ScrubTask, StopMessage } from './messages.js';

/** A worker that has not exited this long after being asked to stop is terminated. */
const STOP_TIMEOUT_MS = 30_000;
/**
 * Segments posted to one worker at a time: with two, the next one is already in its message queue
 * when it finishes one, instead of waiting for a busy main thread to notice and post it.
 */
const WORKER_DEPTH = 2;

/** What the pool needs from the main thread's Scrubber. */
export interface WorkerDataSource {
  toWorkerData(): unknown;
}

export interface ScrubPoolOptions {
  /** Worker threads. Default `os.availableParallelism()`. */
  readonly threads?: number;
}

/** A segment's result; `memory` is the segment's own memory back, when it was transferred. */
export interface PoolOutcome extends ScrubOutcome<Buffer> {
  readonly memory?: ArrayBuffer;
}

interface Pending {
  readonly task: ScrubTask;
  readonly transfer: boolean;
  readonly resolve: (result: PoolOutcome) => void;
  readonly reject: (error: Error) => void;
}

interface Thread {
  readonly worker: Worker;
  /** Resolves when the worker has exited, whenever that happens (before or after close). */
  readonly exited: Promise<void>;
  /** Its Scrubber is built (it answered the init message). */
  ready: boolean;
  /** Posted and not yet answered, oldest first (a worker answers in order). */
  readonly running: Pending[];
}

export class ScrubPool {
  readonly threads: number;
  readonly #threads: Thread[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 0;
  #loaded = false;
  #failure: StreamError | null = null;
  #closed = false;

  /**
   * Starts `threads` workers. With a scrubber they are loaded at once; with `null` they start
   * (thread and module loading, the slow part) while the caller compiles its pack, and `load`
   * hands them the result. Runs submitted before the workers are ready wait in the pool.
   *
   * @example
   * ```ts
   * const pool = new ScrubPool(null, { threads: 2 }); // threads start now
   * const scrubber = Scrubber.create({ pack: 'packs/default.yaml' }); // meanwhile: compile
   * pool.load(scrubber);
   * const results = await Promise.all(segments.map((s) => pool.run(s, 'text')));
   * await pool.close();
   * ```
   */
  constructor(scrubber: WorkerDataSource | null, options: ScrubPoolOptions = {}) {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isSafeInteger(threads) || threads < 1) {
      throw new StreamError('ERR_INVALID_ARGUMENT', `Expected positive integer for threads but received ${String(threads)}`);
    }
    this.threads = threads;
    const entry = workerEntry();
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(entry.entry, { eval: entry.eval });
      const thread: Thread = { worker, exited: new Promise((resolve) => worker.once('exit', () => resolve())), ready: false, running: [] };
      worker.on('message', (reply: ScrubReply | ReadyReply) => this.#onReply(thread, reply));
      worker.on('error', (error) => this.#fail(error));
      worker.on('exit', (code) => {
        if (!this.#closed) this.#fail(new Error(`worker exited with code ${code}`));
      });
      this.#threads.push(thread);
    }
    if (scrubber) this.load(scrubber);
  }

  /**
   * Hands the compiled scrubber to the workers (once; the constructor does it when given one).
   *
   * @throws StreamError `ERR_INVALID_ARGUMENT` when already loaded.
   */
  load(scrubber: WorkerDataSource): void {
    if (this.#loaded) throw new StreamError('ERR_INVALID_ARGUMENT', 'The scrub pool already has its scrubber');
    this.#loaded = true;
    const init: InitMessage = { init: scrubber.toWorkerData() };
    for (const { worker } of this.#threads) worker.postMessage(init);
  }

  /**
   * True when a segment given to `run` now would start on a worker without waiting behind others
   * (a ready worker has room); false while workers start or all are busy: a caller with a thread
   * of its own to spare can scrub the segment itself instead.
   *
   * @throws StreamError the pool's failure (`ERR_WORKER`), or `ERR_POOL_CLOSED`: never false for
   * a broken pool, so a caller that falls back to its own thread does not hide a failure.
   */
  hasRoom(): boolean {
    if (this.#closed) throw new StreamError('ERR_POOL_CLOSED', 'The scrub pool is closed');
    if (this.#failure) throw this.#failure;
    return this.#queue.length === 0 && this.#threads.some((t) => t.ready && t.running.length < WORKER_DEPTH);
  }

  /**
   * Scrubs one segment (whole lines) on a worker. The bytes are copied, unless `transfer` is set:
   * then the segment's whole ArrayBuffer moves to the worker (no copy), is detached here, and comes
   * back as the result's `memory` (the output may be a view of it); only pass it for memory
   * nothing else uses.
   */
  run(segment: Uint8Array, format: ScrubFormat, options: { transfer?: boolean } = {}): Promise<PoolOutcome> {
    if (this.#closed) return Promise.reject(new StreamError('ERR_POOL_CLOSED', 'The scrub pool is closed'));
    if (this.#failure) return Promise.reject(this.#failure);
    const transfer = options.transfer === true && segment.byteOffset === 0;
    const owned = transfer ? segment : new Uint8Array(segment);
    return new Promise((resolve, reject) => {
      this.#queue.push({ task: { id: this.#nextId++, segment: owned, format }, transfer, resolve, reject });
      this.#dispatch();
    });
  }

  /**
   * Stops all workers. Pending runs reject with ERR_POOL_CLOSED.
   *
   * Each worker is asked to stop and exits at its next idle moment: after the segment it is
   * scrubbing, or once it has finished starting. `worker.terminate()` instead stops a thread
   * wherever it is, and one stopped inside the native addon (loading the database, scanning)
   * aborted the whole process (SIGABRT, "terminate called after throwing Napi::Error"): seen
   * when `| head` closed stdout mid-scrub and when a run ended before a worker finished starting.
   * `terminate()` remains the fallback for a worker that does not exit within 30 s.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const error = new StreamError('ERR_POOL_CLOSED', 'The scrub pool is closed');
    for (const pending of this.#drain()) pending.reject(error);
    await Promise.all(this.#threads.map((thread) => stopWorker(thread.worker, thread.exited)));
  }

  #dispatch(): void {
    for (const thread of this.#threads) {
      while (thread.ready && thread.running.length < WORKER_DEPTH && this.#queue.length > 0) {
        const pending = this.#queue.shift()!;
        thread.running.push(pending);
        thread.worker.postMessage(pending.task, [pending.task.segment.buffer as ArrayBuffer]);
      }
    }
  }

  #onReply(thread: Thread, reply: ScrubReply | ReadyReply): void {
    if (this.#failure || this.#closed) return;
    if ('ready' in reply) {
      if (!reply.ready) {
        this.#fail(new StreamError('ERR_WORKER', `A scrub worker could not start (${reply.error.code}): ${reply.error.message}`));
        return;
      }
      thread.ready = true;
      this.#dispatch();
      return;
    }
    const pending = thread.running.shift();
    if (!pending || pending.task.id !== reply.id) {
      this.#fail(new StreamError('ERR_WORKER', 'A scrub worker answered out of order'));
      return;
    }
    if ('error' in reply) {
      this.#fail(new StreamError('ERR_WORKER', `Scrubbing failed in a worker (${reply.error.code}): ${reply.error.message}`));
      pending.reject(this.#failure!);
      return;
    }
    const output = Buffer.from(reply.output.buffer, reply.output.byteOffset, reply.output.byteLength);
    const result = { output, verdict: reply.verdict, counts: reply.counts, findings: reply.findings, reasons: reply.reasons };
    pending.resolve(pending.transfer ? { ...result, memory: reply.segment.buffer as ArrayBuffer } : result);
    this.#dispatch();
  }

  /** Every run not yet answered, removed from the pool. */
  #drain(): Pending[] {
    return [...this.#threads.flatMap((t) => t.running.splice(0)), ...this.#queue.splice(0)];
  }

  /** Fail closed: reject everything in flight and everything after. */
  #fail(cause: unknown): void {
    if (this.#failure || this.#closed) return;
    this.#failure =
      cause instanceof StreamError ? cause : new StreamError('ERR_WORKER', `A scrub worker failed: ${(cause as Error).message}`, { cause });
    for (const pending of this.#drain()) pending.reject(this.#failure);
  }
}

/** Asks a worker to exit when idle; resolves once it has (at once if it already had). */
async function stopWorker(worker: Worker, exited: Promise<void>): Promise<void> {
  const stop: StopMessage = { stop: true };
  worker.postMessage(stop);
  const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The worker module next to this file: `worker.js` in the built package. When running from source
 * (tsx, vitest) it is `worker.ts`, and Node 20 resolves a worker's entry before any `--import`
 * hook applies, so a small evaluated bootstrap registers tsx first, then imports the entry.
 */
function workerEntry(): { entry: URL | string; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) {
    // dist/workers/pool.js sits next to worker.js; the CommonJS bundle dist/index.cjs is one level up.
    const beside = new URL('./worker.js', import.meta.url);
    return { entry: existsSync(beside) ? beside : new URL('./workers/worker.js', import.meta.url), eval: false };
  }
  const tsx = tsxEsmApi();
  const worker = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}); })`;
  return { entry: bootstrap, eval: true };
}

/** tsx's ESM register API (`tsx/esm/api`, import condition), found through its package.json. */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return new URL(exports['./esm/api']!.import.default, pathToFileURL(manifest)).href;
}
