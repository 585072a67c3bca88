/**
 * `cardveil scan [PATH ...]`: cardholder-data discovery. Exit 1 when card data is found (masked
 * card numbers never count), 0 when none.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Detector } from '../detectors/detector.js';
import type { Sensitivity } from '../detectors/types.js';
import { createDetector, detectorOptions } from '../policy/detection.js';
import { loadPack } from '../policy/load.js';
import { CliError, toCliError, usage } from './errors.js';
import { EXIT } from './exit-codes.js';
import { SCAN_HELP } from './help.js';
import { scanFile, type ScanFinding } from './scan-file.js';
import { toSarif } from './sarif.js';
import { parseEngine, type EngineChoice } from './scrubber.js';
import { listInputFiles } from './walk.js';

type ScanFormat = 'text' | 'json' | 'sarif';

/** Findings of a pack's DLP filter: the text report names the pattern (never the matched value). */
const DLP_TYPES: ReadonlySet<string> = new Set(['custom', 'blocked_term']);

export async function scanCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    process.stdout.write(SCAN_HELP);
    return EXIT.OK;
  }
  const format = oneOf<ScanFormat>('--format', values.format, ['text', 'json', 'sarif'], 'text');
  const sensitivity =
    values.sensitivity === undefined ? undefined : oneOf<Sensitivity>('--sensitivity', values.sensitivity, ['standard', 'high', 'restricted'], 'standard');
  const engine = parseEngine(values.engine);
  const includeMasked = values['include-masked'] === true;
  const detector = createScanDetector(values.pack, sensitivity, engine);
  const files = await listInputFiles(positionals.length > 0 ? positionals : ['.'], {
    ...(values['ignore-file'] ? { ignoreFiles: values['ignore-file'] } : {}),
    ...(values['no-ignore'] ? { noIgnore: true } : {}),
  });
  const findings: ScanFinding[] = [];
  for (const file of files) {
    try {
      findings.push(...(await scanFile(file.path, detector, includeMasked)));
    } catch (error) {
      throw toCliError(error, file.path);
    }
  }

  const report = render(format, findings, files.length, values.quiet === true);
  if (values.output !== undefined) {
    await writeFile(values.output, report).catch((error: unknown) => {
      throw toCliError(error, `cannot write ${values.output}`);
    });
  } else {
    process.stdout.write(report);
  }
  return findings.some((f) => f.type !== 'masked_pan') ? EXIT.FINDINGS : EXIT.OK;
}

/**
 * The detector a scan uses: the built-in card detectors, or with `--pack` the pack's own detector
 * (its sensitivity, its DLP filter's patterns and blocked terms), exactly what `scrub --pack`
 * acts on. An explicit `--sensitivity` overrides the pack's. Every failure here is configuration.
 */
function createScanDetector(pack: string | undefined, sensitivity: Sensitivity | undefined, engine: EngineChoice): Detector {
  try {
    if (pack === undefined) return new Detector({ sensitivity: sensitivity ?? 'standard', engine });
    const loaded = loadPack(pack);
    if (!loaded.pack.enabled) throw new Error(`pack "${loaded.pack.name}" is disabled (pack.enabled: false); refusing to run it`);
    return sensitivity === undefined ? createDetector(loaded, engine) : new Detector({ ...detectorOptions(loaded, engine), sensitivity });
  } catch (error) {
    throw new CliError('ERR_CONFIG', `bad configuration: ${(error as Error).message}`, { cause: error });
  }
}

function render(format: ScanFormat, findings: readonly ScanFinding[], fileCount: number, quiet: boolean): string {
  if (format === 'sarif') return JSON.stringify(toSarif(findings, version()), null, 2) + '\n';
  if (format === 'json') return JSON.stringify({ files: fileCount, findings }, null, 2) + '\n';
  const lines = findings.map(
    (f) =>
      `${f.file}:${f.line}:${f.column}: ${f.type}${f.brand ? ` ${f.brand}` : ''}${DLP_TYPES.has(f.type) ? ` ${f.detector}` : ''} ${f.masked}${f.testCard ? ' (test card)' : ''}`,
  );
  if (!quiet) {
    const files = new Set(findings.map((f) => f.file)).size;
    lines.push(`cardveil scan: ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${files} of ${fileCount} file${fileCount === 1 ? '' : 's'}`);
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        output: { type: 'string', short: 'o' },
        sensitivity: { type: 'string' },
        pack: { type: 'string' },
        engine: { type: 'string' },
        'include-masked': { type: 'boolean' },
        'ignore-file': { type: 'string', multiple: true },
        'no-ignore': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw usage((error as Error).message);
  }
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw usage(`${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
}

function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
