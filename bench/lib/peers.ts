/**
 * The npm libraries a user would otherwise pick, configured fairly for card numbers: only their
 * card-number rule enabled (no names, e-mails, phones...), so they do not pay for work cardveil
 * does not do. They are installed apart from cardveil (`npm install --prefix bench`), in
 * bench/node_modules; when they are missing, the peer rows are skipped with that reason.
 *
 * Both take a JavaScript string per call. They are given the whole slice in one call, the most
 * favourable way to call them (per-line calls would add their per-call cost on every line).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './corpus.js';

export interface Peer {
  readonly name: string;
  readonly version: string;
  /** How it is configured, for the results notes. */
  readonly config: string;
  readonly async: boolean;
  /** Redacts card numbers in `text`: the operation that is timed. */
  redact(text: string): string | Promise<string>;
  /** How many card numbers it finds in `text` (not timed). */
  count(text: string): number | Promise<number>;
}

export type PeersLoaded = { readonly peers: readonly Peer[]; readonly missing: readonly string[] };

const PEER_DIR = join(REPO_ROOT, 'bench', 'node_modules');

function version(name: string): string {
  const pkg = JSON.parse(readFileSync(join(PEER_DIR, name, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

async function importPeer(name: string, entry: string): Promise<Record<string, unknown>> {
  return (await import(pathToFileURL(join(PEER_DIR, name, entry)).href)) as Record<string, unknown>;
}

interface OpenRedactionResult {
  redacted: string;
  detections: unknown[];
}

async function openredaction(): Promise<Peer> {
  const mod = await importPeer('openredaction', 'dist/index.mjs');
  const OpenRedaction = mod.OpenRedaction as new (options: Record<string, unknown>) => {
    detect(text: string): Promise<OpenRedactionResult>;
  };
  const redactor = new OpenRedaction({ patterns: ['CREDIT_CARD'] });
  return {
    name: 'openredaction',
    version: version('openredaction'),
    config: "new OpenRedaction({ patterns: ['CREDIT_CARD'] }).detect(text)",
    async: true,
    redact: async (text) => (await redactor.detect(text)).redacted,
    count: async (text) => (await redactor.detect(text)).detections.length,
  };
}

const REDACT_PII_RULES = [
  'names', 'creditCardNumber', 'emailAddress', 'ipAddress', 'password', 'phoneNumber', 'streetAddress',
  'username', 'usSocialSecurityNumber', 'zipcode', 'url', 'digits', 'credentials',
];

async function redactPii(): Promise<Peer> {
  const mod = await importPeer('redact-pii', 'lib/index.js');
  const SyncRedactor = (mod.SyncRedactor ?? (mod.default as Record<string, unknown>).SyncRedactor) as new (
    options: Record<string, unknown>,
  ) => { redact(text: string): string };
  const builtInRedactors = Object.fromEntries(
    REDACT_PII_RULES.map((rule) => [rule, { enabled: rule === 'creditCardNumber' }]),
  );
  const redactor = new SyncRedactor({ builtInRedactors });
  return {
    name: 'redact-pii',
    version: version('redact-pii'),
    config: 'new SyncRedactor({ builtInRedactors: only creditCardNumber }).redact(text)',
    async: false,
    redact: (text) => redactor.redact(text),
    // It replaces each match with the rule's name (a per-rule replaceWith is not honoured).
    count: (text) => redactor.redact(text).split('CREDIT_CARD_NUMBER').length - 1,
  };
}

/** Loads whichever peers are installed; names the ones that are not. */
export async function loadPeers(): Promise<PeersLoaded> {
  const peers: Peer[] = [];
  const missing: string[] = [];
  for (const [name, load] of [
    ['openredaction', openredaction],
    ['redact-pii', redactPii],
  ] as const) {
    try {
      peers.push(await load());
    } catch (error) {
      const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
      missing.push(`${name} (${why}; run \`npm install --prefix bench\`)`);
    }
  }
  return { peers, missing };
}
