/**
 * Scrub worker: rebuilds the Scrubber from the main thread's serialized database (no recompile)
 * and scrubs the segments it is sent. One Scrubber (one engine scratch) per thread.
 *
 * The database arrives by message, not as `workerData`, so the pool can start this thread while
 * the main thread is still compiling the pack: thread start-up and module loading (~0.3 s on the
 * shared 2-core VM) then overlap the compile instead of delaying the first segment.
 */
import { parentPort } from 'node:worker_threads';
import { Scrubber, type ScrubberWorkerData } from '../scrub.js';
import { scrubSegment } from '../stream/scrub-segment.js';
import { ownedBytes, type InitMessage, type ReadyReply, type ScrubReply, type ScrubTask, type StopMessage } from './messages.js';

const port = parentPort;
if (!port) throw new Error('lib/workers/worker.ts must run in a worker thread');
let scrubber: Scrubber | undefined;

port.on('message', (message: InitMessage | ScrubTask | StopMessage) => {
  if ('stop' in message) {
    port.close(); // nothing else keeps this thread alive: it exits between tasks, never mid-scan
    return;
  }
  if ('init' in message) {
    port.postMessage(init(message.init));
    return;
  }
  port.postMessage(...scrub(message));
});

function init(data: unknown): ReadyReply {
  try {
    scrubber = Scrubber.fromWorkerData(data as ScrubberWorkerData);
    scrubber.scrubBuffer(Buffer.from('warm-up\n')); // first-call set-up (scratch, lazy tables) before any segment
    return { ready: true };
  } catch (error) {
    return { ready: false, error: errorOf(error) };
  }
}

function scrub(task: ScrubTask): [ScrubReply, ArrayBuffer[]] {
  try {
    if (!scrubber) throw new Error('segment received before the scrubber was initialised');
    const result = scrubSegment(scrubber, task.segment, task.format);
    const output = ownedBytes(result.output);
    const reply: ScrubReply = { id: task.id, output, verdict: result.verdict, counts: result.counts, findings: result.findings, reasons: result.reasons ?? [], segment: task.segment };
    // The output may be a view of the segment's memory (nothing redacted): transfer it once.
    const transfer = output.buffer === task.segment.buffer ? [output.buffer as ArrayBuffer] : [output.buffer as ArrayBuffer, task.segment.buffer as ArrayBuffer];
    return [reply, transfer];
  } catch (error) {
    return [{ id: task.id, error: errorOf(error) }, []];
  }
}

/** Only the code and message cross back; a segment's content never appears in either. */
function errorOf(error: unknown): { code: string; message: string } {
  const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'ERR_SCRUB';
  return { code, message: (error as Error).message };
}
