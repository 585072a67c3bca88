// pino with an in-process cardveil destination (no worker thread).
// Run: npx tsx examples/pino-destination.ts /tmp/app.log && cat /tmp/app.log
import pino from 'pino';
import { createPinoDestination } from '../lib/integrations/pino.js';

const destination = createPinoDestination({ destination: process.argv[2] ?? 'app.log' });
const logger = pino({}, destination);

logger.info({ card: '4111 1111 1111 1111', amount: 49.99 }, 'charge authorized');
logger.info('track read: ;4111111111111111=28121011000012300000?');
destination.end();
