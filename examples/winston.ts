// winston with the cardveil format: placed after splat(), before json().
// Run: npx tsx examples/winston.ts /tmp/app.log && cat /tmp/app.log
import winston from 'winston';
import { cardveilFormat } from '../lib/integrations/winston.js';

const logger = winston.createLogger({
  format: winston.format.combine(winston.format.splat(), cardveilFormat(), winston.format.json()),
  transports: [new winston.transports.File({ filename: process.argv[2] ?? 'app.log' })],
});

logger.info('paid with %s', '4111 1111 1111 1111');
logger.warn('card on file updated', { card: { number: '5555555555554444', cvv: 'cvv 123' } });
logger.end();
