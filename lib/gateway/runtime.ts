/**
 * Builds everything the gateway needs from one pack, once, at start: the policy engine (one
 * compiled detector), the router, the audit trail and logger, and the provider keys. Anything
 * missing (a key, a fallback target, a bad pattern) is an error here, before the first request.
 */
import { AuditLogger } from '../audit/logger.js';
import { auditLoggerSchema } from '../audit/schema.js';
import { AuditTrail } from '../audit/trail.js';
import type { EngineKind } from '../engine/types.js';
import { PolicyEngine } from '../policy/engine.js';
import type { Pack, PackInput } from '../policy/schema.js';
import { RoutingError } from '../routing/errors.js';
import { RoutingLink } from '../routing/link.js';
import { Router } from '../routing/router.js';
import { routingPolicySchema } from '../routing/schema.js';
import { resolveSecret } from '../routing/secret.js';
import type { GatewayOptions } from './server.js';

export interface GatewayRuntime {
  readonly engine: PolicyEngine;
  readonly router: Router;
  readonly audit: AuditLogger | undefined;
  /** Ready to pass to `createGatewayServer`. */
  readonly options: GatewayOptions;
  /** Closes the audit trail and the engine. */
  close(): void;
}

export interface RuntimeOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly engine?: 'auto' | EngineKind;
  readonly maxBodyBytes?: number;
  /** Audit event type (default `gateway.request`). */
  readonly auditEvent?: string;
  /** Resolve provider API keys (default true; middleware that does not call providers skips it). */
  readonly resolveKeys?: boolean;
}

/**
 * @example
 * const runtime = createGatewayRuntime('pack.yaml');
 * createGatewayServer(runtime.options).listen(8787, '127.0.0.1');
 * @throws PolicyError, RedactionError, RoutingError (`ERR_SECRET_MISSING`, `ERR_UNKNOWN_FALLBACK`, ...), AuditError.
 */
export function createGatewayRuntime(pack: Pack | PackInput | string, options: RuntimeOptions = {}): GatewayRuntime {
  const env = options.env ?? process.env;
  let router: Router | undefined;
  let audit: AuditLogger | undefined;
  const links = {
    'data-routing-policy': (p: Pack) => {
      router = routerFor(p);
      return new RoutingLink(router);
    },
    'audit-logger': (p: Pack) => {
      audit = auditFor(p, env, options.auditEvent ?? 'gateway.request');
      return audit;
    },
  };
  let engine: PolicyEngine;
  try {
    engine = new PolicyEngine(pack, { ...(options.engine === undefined ? {} : { engine: options.engine }), env, links });
  } catch (error) {
    audit?.trail.close(); // a link factory may have opened the trail before a later step failed
    throw error;
  }
  try {
    router ??= routerFor(engine.pack);
    const apiKeys = options.resolveKeys === false ? new Map<string, string>() : keysFor(router, env);
    return {
      engine,
      router,
      audit,
      options: {
        evaluate: (text, context) => engine.evaluate(text, context),
        identity: engine.identity,
        router,
        apiKeys,
        ...(audit === undefined ? {} : { audit }),
        ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
      },
      close: () => {
        try {
          audit?.trail.close(); // writes queued records; throws if they could not be written
        } finally {
          engine.close();
        }
      },
    };
  } catch (error) {
    audit?.trail.close();
    engine.close();
    throw error;
  }
}

function routerFor(pack: Pack): Router {
  return new Router(pack.providers.targets, pack.policy['data-routing-policy'] ?? routingPolicySchema.parse({}));
}

function auditFor(pack: Pack, env: NodeJS.ProcessEnv, event: string): AuditLogger {
  const config = pack.policy['audit-logger'] ?? auditLoggerSchema.parse({});
  const hmacKey = config.hmac_key_ref === undefined ? undefined : Buffer.from(resolveSecret(config.hmac_key_ref, env), 'utf8');
  const trail = new AuditTrail({
    path: config.path,
    fsync: config.fsync,
    rotateBytes: config.rotate_bytes,
    ...(hmacKey === undefined ? {} : { hmacKey }),
  });
  const routing = pack.policy['data-routing-policy'];
  return new AuditLogger(trail, { event, logSelection: routing?.log_provider_selection ?? false });
}

/** Provider keys of every target requests can reach (compliant ones and the fallback). */
function keysFor(router: Router, env: NodeJS.ProcessEnv): Map<string, string> {
  const rejected = new Set(router.rejected.map((r) => r.id));
  const fallback = router.policy.on_no_compliant_provider;
  const keys = new Map<string, string>();
  for (const t of router.targets) {
    if (t.secret_key_ref === undefined || (rejected.has(t.id) && t.id !== fallback)) continue;
    try {
      keys.set(t.id, resolveSecret(t.secret_key_ref, env));
    } catch (error) {
      throw new RoutingError('ERR_SECRET_MISSING', `target "${t.id}": ${(error as Error).message}`);
    }
  }
  return keys;
}
