/** Messages between the pool (main thread) and a scrub worker. Plain, structured-clone data. */
import type { ScrubFormat, Verdict } from '../stream/types.js';

export interface ScrubTask {
  readonly id: number;
  /** Owns its ArrayBuffer exactly (transferred, not copied). */
  readonly segment: Uint8Array;
  readonly format: ScrubFormat;
}

/**
 * The compiled scrubber (`Scrubber.toWorkerData()`), sent once. Workers can be started before the
 * pack is compiled (their module loading overlaps the compile) and wait for this message.
 */
export interface InitMessage {
  readonly init: unknown;
}

/** A worker's first reply: its Scrubber is built and has scrubbed once, or it could not start. */
export type ReadyReply = { readonly ready: true } | { readonly ready: false; readonly error: { readonly code: string; readonly message: string } };

/** Asks a worker to exit once idle (see ScrubPool.close). */
export interface StopMessage {
  readonly stop: true;
}

export type ScrubReply =
  | {
      readonly id: number;
      readonly output: Uint8Array;
      readonly verdict: Verdict;
      readonly counts: Record<string, number>;
      readonly findings: number;
      readonly reasons: readonly { readonly code: string }[];
      /** The task's segment, handed back (transferred) so its memory can be reused. */
      readonly segment: Uint8Array;
    }
  | { readonly id: number; readonly error: { readonly code: string; readonly message: string } };

/**
 * Bytes whose ArrayBuffer may be transferred: `bytes` itself when it starts its buffer and that
 * buffer cannot be Node's shared Buffer pool (it is exactly this view, or larger than a pool slab),
 * otherwise a copy. Only call it in a worker on results that nothing else keeps.
 */
export function ownedBytes(bytes: Uint8Array): Uint8Array {
  const { buffer } = bytes;
  if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && (bytes.byteLength === buffer.byteLength || buffer.byteLength > Buffer.poolSize)) {
    return bytes;
  }
  return new Uint8Array(bytes); // copies into a fresh, exactly sized ArrayBuffer
}
