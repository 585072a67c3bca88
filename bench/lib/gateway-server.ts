/**
 * Starts cardveil's gateway on 127.0.0.1 (an ephemeral port) in front of a given upstream, with
 * the seed pack's full chain, exactly as `cardveil serve` wires it (see chain.ts).
 */
import type { AddressInfo } from 'node:net';
import { loadChainRuntime } from './chain.js';
import type { Loaded } from './ours.js';

export interface RunningGateway {
  readonly url: string;
  readonly description: string;
  close(): Promise<void>;
}

export async function startGateway(upstreamUrl: string): Promise<Loaded<RunningGateway>> {
  const chain = await loadChainRuntime(upstreamUrl);
  if (!chain.ok) return chain;
  const server = chain.value.createServer(chain.value.gatewayOptions);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    ok: true,
    value: {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      description: 'Gateway: createGatewayRuntime(seed pack) + createGatewayServer, full chain on the request and the response, audit record per request.',
      close: async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        chain.value.close();
      },
    },
  };
}
