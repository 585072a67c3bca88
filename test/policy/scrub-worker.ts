/** Worker for test/scrub.test.ts: rebuilds a Scrubber from worker data and scrubs what it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { Scrubber, type ScrubberWorkerData } from '../../lib/scrub.js';

const scrubber = Scrubber.fromWorkerData(workerData as ScrubberWorkerData);
parentPort!.on('message', (input: Uint8Array) => {
  const r = scrubber.scrubBuffer(input);
  parentPort!.postMessage({ output: new Uint8Array(r.output), verdict: r.verdict, counts: r.counts });
});
