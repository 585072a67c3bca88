// pino loads transport targets in its own worker thread, where Node 20 does not apply tsx's
// loader hooks; this plain-JS target registers tsx there, then loads the TypeScript transport.
// With the built package, point pino at 'cardveil/pino' (dist/integrations/pino.js) instead.
import { register } from 'tsx/esm/api';

register();
const { default: cardveilPinoTransport } = await import('../lib/integrations/pino.ts');
export default cardveilPinoTransport;
