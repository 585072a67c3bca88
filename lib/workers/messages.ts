/** Messages between the pool (main thread) and a scrub worker. Plain, structured-clone data. */
import type { ScrubFormat, Verdict } from '../stream/types.js';

export interface ScrubTask {
  readonly id: number;
  /** Owns its ArrayBuffer exactly (transferred, not copied). */
  readonly segment: Uint8Array;
  readonly format: ScrubFormat;
}

export type ScrubReply =
  | {
      readonly id: number;
      readonly output: Uint8Array;
      readonly verdict: Verdict;
      readonly counts: Record<string, number>;
      readonly findings: number;
      readonly reasons: readonly { readonly code: string }[];
    }
  | { readonly id: number; readonly error: { readonly code: string; readonly message: string } };

/** A Uint8Array that owns its whole ArrayBuffer, so it can be transferred without detaching other data. */
export function ownedBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return bytes;
  }
  return new Uint8Array(bytes); // copies into a fresh, exactly sized ArrayBuffer
}
