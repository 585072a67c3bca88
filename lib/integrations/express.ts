/**
 * Express 5 middleware applying a pack to JSON request and response bodies.
 *
 * Mount it after `express.json()`: it checks `req.body` (blocked: answers the OpenAI-style error
 * itself; redacted: replaces `req.body` with the redacted copy), wraps `res.json` so JSON answers
 * are checked on the way out, and writes one audit record per request when the response finishes.
 * Non-JSON responses (`res.send` of strings, files, streams) are not inspected.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { errorBody } from '../gateway/errors.js';
import { JsonGuard, type GuardOptions } from '../gateway/guard.js';
import { bearerActor } from '../gateway/http-util.js';
import type { Pack, PackInput } from '../policy/schema.js';

export interface ExpressGuardOptions extends GuardOptions {
  /** Who the caller is, for the audit trail (default: a key id from `Authorization: Bearer`). */
  readonly actor?: (req: Request) => string | undefined;
}

export interface CardveilMiddleware extends RequestHandler {
  /** The guard (engine, router, audit trail); close it when the app stops. */
  readonly guard: JsonGuard;
}

/**
 * @example
 * const app = express();
 * app.use(express.json());
 * app.use(cardveilExpress('pack.yaml'));
 * app.post('/api/chat', (req, res) => res.json({ echo: req.body.prompt })); // prompt arrives redacted
 */
export function cardveilExpress(pack: Pack | PackInput | string, options: ExpressGuardOptions = {}): CardveilMiddleware {
  const guard = new JsonGuard(pack, { auditEvent: 'express.request', ...options });
  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    const x = guard.start({
      actor: options.actor?.(req) ?? bearerActor(req.headers.authorization),
      source: req.socket.remoteAddress ?? 'unknown',
      resource: `${req.method} ${req.path}`,
    });
    let finished = false;
    const finish = (status: number): boolean => {
      if (finished) return true;
      finished = true;
      return guard.finish(x, status);
    };
    const reject = (status: number, code: Parameters<typeof errorBody>[0], message: string): void => {
      finish(status);
      res.status(status).type('application/json').send(errorBody(code, message));
    };
    res.setHeader('x-request-id', x.id);
    if (req.body !== undefined) {
      const checked = guard.request(x, req.body);
      if (!checked.ok) {
        res.setHeader('x-cardveil-verdict', 'blocked');
        reject(checked.error.status, checked.error.code, checked.error.message);
        return;
      }
      req.body = checked.value;
    }
    const json = res.json.bind(res);
    res.json = (body: unknown): Response => {
      const checked = guard.response(x, body);
      res.setHeader('x-cardveil-verdict', x.verdict);
      if (!checked.ok) {
        reject(checked.error.status, checked.error.code, checked.error.message);
        return res;
      }
      // Audit before the answer leaves: if the record cannot be written, the answer is withheld.
      if (!finish(res.statusCode)) {
        res.status(500).type('application/json').send(errorBody('cardveil_audit_failed', 'the audit record could not be written; the answer was withheld'));
        return res;
      }
      return json(checked.value);
    };
    res.on('finish', () => finish(res.statusCode));
    next();
  };
  return Object.assign(middleware, { guard });
}
