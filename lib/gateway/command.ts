/**
 * `cardveil serve --pack pack.yaml [--port 8787] [--host 127.0.0.1]`: runs the gateway until
 * SIGINT/SIGTERM. Exit codes: 0 after a clean stop, 1 when the port cannot be bound, 2 usage,
 * 78 bad configuration (pack, keys, audit trail).
 */
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { baseUrlOf } from '../routing/providers.js';
import { createGatewayRuntime } from './runtime.js';
import { createGatewayServer } from './server.js';

const HELP = `Usage: cardveil serve --pack PACK.yaml [--port 8787] [--host 127.0.0.1] [--engine auto|hyperscan|javascript] [--max-body BYTES]
  OpenAI-compatible gateway: POST /v1/chat/completions (stream or not), POST /v1/embeddings,
  GET /v1/models, GET /healthz. Point an OpenAI client's baseURL at http://HOST:PORT/v1.
  Exit: 0 stopped, 1 cannot listen, 2 usage, 78 bad configuration.
`;

function usage(message: string): number {
  process.stderr.write(`cardveil: ${message}\n${HELP}`);
  return 2;
}

/** @example await serveCommand(['--pack', 'pack.yaml', '--port', '8787']) */
export async function serveCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        pack: { type: 'string', short: 'p' },
        port: { type: 'string', default: '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        engine: { type: 'string', default: 'auto' },
        'max-body': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.pack === undefined) return usage('serve needs --pack PACK.yaml');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usage(`--port expects 0-65535; got "${values.port}"`);
  if (values.engine !== 'auto' && values.engine !== 'hyperscan' && values.engine !== 'javascript') {
    return usage(`--engine expects auto, hyperscan or javascript; got "${values.engine}"`);
  }
  const maxBody = values['max-body'] === undefined ? undefined : Number(values['max-body']);
  if (maxBody !== undefined && (!Number.isInteger(maxBody) || maxBody <= 0)) return usage(`--max-body expects a positive integer; got "${values['max-body']}"`);

  let runtime;
  try {
    runtime = createGatewayRuntime(values.pack, { engine: values.engine, ...(maxBody === undefined ? {} : { maxBodyBytes: maxBody }) });
  } catch (error) {
    process.stderr.write(`cardveil: ${(error as Error).message}\n`);
    return 78;
  }
  const server = createGatewayServer(runtime.options);
  try {
    server.listen(port, values.host);
    await once(server, 'listening');
  } catch (error) {
    runtime.close();
    process.stderr.write(`cardveil: cannot listen on ${values.host}:${port} (${(error as NodeJS.ErrnoException).code ?? 'error'})\n`);
    return 1;
  }
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const { router, audit } = runtime;
  const identity = runtime.engine.identity;
  const decision = router.route();
  const routed = decision.target === undefined ? 'none (every request is refused: no compliant provider)' : `${decision.target.id} -> ${baseUrlOf(decision.target)}`;
  process.stderr.write(
    `cardveil gateway listening on http://${values.host}:${bound}/v1\n` +
      `  pack ${identity.name} ${identity.version}; default target ${routed}\n` +
      `  audit ${audit === undefined ? 'off (pack has no audit-logger link)' : audit.trail.path}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  server.close();
  server.closeAllConnections();
  runtime.close();
  return 0;
}
