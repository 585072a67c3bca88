/**
 * Fastify 5 plugin applying a pack to JSON bodies: blocks in `preHandler` (after body parsing),
 * rewrites JSON answers in `onSend`, writes one audit record per request in `onResponse`, closes
 * the trail in `onClose`. Wrapped with fastify-plugin so it covers the routes of the scope that
 * registers it.
 */
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errorBody } from '../gateway/errors.js';
import { JsonGuard, type GuardExchange, type GuardOptions } from '../gateway/guard.js';
import { bearerActor } from '../gateway/http-util.js';
import type { Pack, PackInput } from '../policy/schema.js';

export interface FastifyGuardOptions extends GuardOptions {
  readonly pack: Pack | PackInput | string;
  /** Who the caller is, for the audit trail (default: a key id from `Authorization: Bearer`). */
  readonly actor?: (request: FastifyRequest) => string | undefined;
}

const plugin: FastifyPluginCallback<FastifyGuardOptions> = (fastify, options, done) => {
  const { pack, actor, ...guardOptions } = options;
  let guard: JsonGuard;
  try {
    guard = new JsonGuard(pack, { auditEvent: 'fastify.request', ...guardOptions });
  } catch (error) {
    done(error as Error);
    return;
  }
  // Per-request state without augmenting Fastify's types.
  const exchanges = new WeakMap<FastifyRequest, { x: GuardExchange; answered: boolean }>();

  fastify.addHook('onRequest', async (request, reply) => {
    const x = guard.start({
      actor: actor?.(request) ?? bearerActor(request.headers.authorization),
      source: request.ip,
      resource: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
    });
    exchanges.set(request, { x, answered: false });
    reply.header('x-request-id', x.id);
  });

  fastify.addHook('preHandler', async (request, reply) => {
    const state = exchanges.get(request);
    if (state === undefined || request.body === undefined) return;
    const checked = guard.request(state.x, request.body);
    if (!checked.ok) {
      state.answered = true;
      return reply
        .code(checked.error.status)
        .header('x-cardveil-verdict', 'blocked')
        .type('application/json')
        .send(errorBody(checked.error.code, checked.error.message));
    }
    request.body = checked.value;
  });

  fastify.addHook('onSend', async (request, reply, payload) => {
    const state = exchanges.get(request);
    if (state === undefined || state.answered) return payload;
    const type = String(reply.getHeader('content-type') ?? '');
    if (typeof payload !== 'string' || !type.includes('json')) {
      reply.header('x-cardveil-verdict', state.x.verdict);
      return payload;
    }
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return payload;
    }
    const checked = guard.response(state.x, body);
    reply.header('x-cardveil-verdict', state.x.verdict);
    if (!checked.ok) {
      reply.code(checked.error.status);
      return errorBody(checked.error.code, checked.error.message);
    }
    return checked.verdict === 'allowed' ? payload : JSON.stringify(checked.value);
  });

  fastify.addHook('onResponse', async (request, reply) => {
    const state = exchanges.get(request);
    if (state === undefined) return;
    exchanges.delete(request);
    if (!guard.finish(state.x, reply.statusCode)) request.log.error('cardveil: audit append failed');
  });

  fastify.addHook('onClose', async () => {
    guard.close();
  });
  done();
};

/**
 * @example
 * const app = Fastify();
 * await app.register(cardveilFastify, { pack: 'pack.yaml' });
 * app.post('/api/chat', async (req) => ({ echo: (req.body as { prompt: string }).prompt }));
 */
export const cardveilFastify = fp(plugin, { fastify: '5.x', name: 'cardveil' });
