// pino with the cardveil transport (runs in pino's worker thread): card data never reaches the file.
// Run: npx tsx examples/pino-transport.ts /tmp/app.log && cat /tmp/app.log
// In an installed package the target is 'cardveil/pino'; from source, pino-target.mjs loads the TS.
import { fileURLToPath } from 'node:url';
import pino from 'pino';

const destination = process.argv[2] ?? 'app.log';
const target = fileURLToPath(new URL('./pino-target.mjs', import.meta.url));
const logger = pino({ transport: { target, options: { destination } } });

logger.info({ card: '4111 1111 1111 1111', amount: 49.99 }, 'charge authorized');
logger.warn('customer read out 5555-5555-5555-4444, cvv 123');
logger.info({ order: 'ORDER-20261127001' }, 'nothing sensitive here');
