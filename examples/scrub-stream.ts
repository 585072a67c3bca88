// A Transform stream in a pipeline: scrub a log file to stdout.
// Run: npx tsx examples/scrub-stream.ts examples/sample.log
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createScrubStream } from '../lib/stream/scrub-stream.js';

const scrub = createScrubStream();
await pipeline(createReadStream(process.argv[2] ?? 'examples/sample.log'), scrub, process.stdout);
console.error('findings per type:', scrub.summary.counts);
