/**
 * Starts cardveil's gateway (lib/gateway) on 127.0.0.1 in front of a given upstream, with the
 * seed pack's chain, for the gateway suite.
 */
import { loadModule, type Loaded } from './ours.js';

export interface RunningGateway {
  readonly url: string;
  readonly description: string;
  close(): Promise<void>;
}

export async function startGateway(upstreamUrl: string): Promise<Loaded<RunningGateway>> {
  const mod = await loadModule('lib/gateway/server.ts', ['createGateway']);
  if (!mod.ok) return mod;
  return { ok: false, reason: `lib/gateway/server.ts loaded but the bench does not drive it yet (upstream ${upstreamUrl})` };
}
