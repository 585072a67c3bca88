/** Building the Scrubber from command-line options: every failure here is bad configuration (78). */
import { Scrubber } from '../scrub.js';
import { CliError, usage } from './errors.js';

export type EngineChoice = 'auto' | 'hyperscan' | 'javascript';
const ENGINES: readonly string[] = ['auto', 'hyperscan', 'javascript'];

export function parseEngine(value: string | undefined): EngineChoice {
  if (value === undefined) return 'auto';
  if (!ENGINES.includes(value)) throw usage(`--engine must be one of auto, hyperscan, javascript (got "${value}")`);
  return value as EngineChoice;
}

export function parseThreads(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const threads = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(threads) || threads < 1) {
    throw usage(`--threads must be a positive integer (got "${value}")`);
  }
  return threads;
}

export function createScrubber(pack: string | undefined, engine: EngineChoice): Scrubber {
  try {
    return Scrubber.create({ ...(pack !== undefined ? { pack } : {}), engine });
  } catch (error) {
    throw new CliError('ERR_CONFIG', `bad configuration: ${(error as Error).message}`, { cause: error });
  }
}
