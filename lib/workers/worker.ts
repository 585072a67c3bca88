/**
 * Scrub worker: rebuilds the Scrubber from the main thread's serialized database (no recompile)
 * and scrubs the segments it is sent. One Scrubber (one engine scratch) per thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Scrubber } from '../scrub.js';
import { scrubSegment } from '../stream/scrub-segment.js';
import { ownedBytes, type ScrubReply, type ScrubTask, type StopMessage } from './messages.js';

const port = parentPort;
if (!port) throw new Error('lib/workers/worker.ts must run in a worker thread');
const scrubber = Scrubber.fromWorkerData((workerData as { scrubber: Parameters<typeof Scrubber.fromWorkerData>[0] }).scrubber);

port.on('message', (task: ScrubTask | StopMessage) => {
  if ('stop' in task) {
    port.close(); // nothing else keeps this thread alive: it exits between tasks, never mid-scan
    return;
  }
  let reply: ScrubReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const result = scrubSegment(scrubber, task.segment, task.format);
    const output = ownedBytes(result.output);
    reply = { id: task.id, output, verdict: result.verdict, counts: result.counts, findings: result.findings, reasons: result.reasons ?? [], segment: task.segment };
    // The output may be a view of the segment's memory (nothing redacted): transfer it once.
    transfer = output.buffer === task.segment.buffer ? [output.buffer as ArrayBuffer] : [output.buffer as ArrayBuffer, task.segment.buffer as ArrayBuffer];
  } catch (error) {
    // Only the code and message cross back; the segment's content never appears in either.
    const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'ERR_SCRUB';
    reply = { id: task.id, error: { code, message: (error as Error).message } };
  }
  port.postMessage(reply, transfer);
});
