/**
 * The full chain the prompt and gateway suites time: the seed pack
 * (shared/packs/pci-ai-governance.yaml: pii-detector, dlp-filter, data-routing-policy,
 * audit-logger) built the way `cardveil serve` builds it (lib/gateway/runtime.ts): one
 * PolicyEngine with the real routing link and the real audit logger appending to a trail file.
 *
 * Two edits to the seed pack, both needed to run it here and neither changing the work per
 * evaluation: the target's `base_url` points at the local stand-in upstream, and the audit trail
 * goes to a temporary file. The provider key comes from a bench-only environment.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { corpusDir } from './corpus.js';
import { loadModule, type Loaded } from './ours.js';

export interface EvaluationLike {
  readonly text: string;
  readonly verdict: string;
  readonly findings: number;
  readonly notApplied: readonly string[];
}

export interface ChainRuntime {
  /** Runs the whole chain on one prompt, as for a provider call. */
  evaluate(text: string): EvaluationLike;
  /** The options `createGatewayServer` takes. */
  readonly gatewayOptions: unknown;
  readonly createServer: (options: unknown) => Server;
  readonly auditPath: string;
  close(): void;
}

interface RuntimeModule {
  createGatewayRuntime(pack: object, options: { env: NodeJS.ProcessEnv; engine: 'hyperscan' }): {
    readonly engine: { evaluate(text: string, context: Record<string, unknown>): EvaluationLike };
    readonly options: unknown;
    close(): void;
  };
}

/** shared/packs/pci-ai-governance.yaml, beside shared/corpus. */
export function seedPackPath(): string {
  return join(corpusDir(), '..', '..', 'packs', 'pci-ai-governance.yaml');
}

/** The seed pack as an object, its target aimed at `baseUrl` and its audit trail at `auditPath`. */
export function seedPack(baseUrl: string, auditPath: string): Record<string, unknown> {
  const pack = parse(readFileSync(seedPackPath(), 'utf8')) as {
    providers: { targets: Array<Record<string, unknown>> };
    policy: Record<string, unknown>;
  };
  for (const target of pack.providers.targets) target.base_url = baseUrl;
  pack.policy['audit-logger'] = { ...(pack.policy['audit-logger'] as object), path: auditPath };
  return pack;
}

/** Builds the runtime on the seed pack; `baseUrl` is where provider calls would go. */
export async function loadChainRuntime(baseUrl: string): Promise<Loaded<ChainRuntime>> {
  const runtimeModule = await loadModule('lib/gateway/runtime.ts', ['createGatewayRuntime']);
  if (!runtimeModule.ok) return runtimeModule;
  const serverModule = await loadModule('lib/gateway/server.ts', ['createGatewayServer']);
  if (!serverModule.ok) return serverModule;
  const { createGatewayRuntime } = runtimeModule.value as unknown as RuntimeModule;
  const createServer = serverModule.value.createGatewayServer as (options: unknown) => Server;
  const dir = mkdtempSync(join(tmpdir(), 'cardveil-bench-'));
  const auditPath = join(dir, 'audit.jsonl');
  const runtime = createGatewayRuntime(seedPack(baseUrl, auditPath), {
    env: { OPENAI_API_KEY: 'sk-bench-not-a-real-key' },
    engine: 'hyperscan',
  });
  let request = 0;
  return {
    ok: true,
    value: {
      evaluate: (text) =>
        runtime.engine.evaluate(text, { providerCall: true, direction: 'request', actor: 'bench', source: '127.0.0.1', requestId: `bench-${++request}` }),
      gatewayOptions: runtime.options,
      createServer,
      auditPath,
      close: () => {
        runtime.close();
        rmSync(dir, { recursive: true, force: true });
      },
    },
  };
}
