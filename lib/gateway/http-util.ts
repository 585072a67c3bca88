/** Small HTTP helpers for the gateway: bounded body reading and the audit identity of a caller. */
import { hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GatewayError } from './errors.js';

/**
 * Reads the whole body, refusing more than `limit` bytes (the rest is drained, not buffered).
 * Stream events rather than `for await`: the async iterator costs a few promises and kilobytes
 * of garbage per request, which the gateway's tail latency pays for in scavenges.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.once('end', () => {
      if (size > limit) reject(new GatewayError('cardveil_body_too_large', `request body is larger than ${limit} bytes`));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.once('error', reject);
    // A client that goes away mid-body: no 'end', no 'error' on the request, only 'close'.
    req.once('close', () => {
      if (!req.complete) reject(Object.assign(new Error('request body aborted'), { code: 'ECONNRESET' }));
    });
  });
}

/** Parses a JSON object body or answers `cardveil_invalid_request`. */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new GatewayError('cardveil_invalid_request', 'request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GatewayError('cardveil_invalid_request', 'request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * PCI DSS 10.2.2 user identification without storing the credential: the first 8 hex digits of
 * the SHA-256 of the bearer token (`key:1a2b3c4d`), or `anonymous`.
 */
export function actorOf(req: IncomingMessage): string {
  return bearerActor(req.headers.authorization) ?? 'anonymous';
}

/** `key:<8 hex>` for an `Authorization: Bearer` value; undefined without one. */
export function bearerActor(authorization: string | undefined): string | undefined {
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
  return token ? `key:${hash('sha256', token, 'hex').slice(0, 8)}` : undefined;
}

export function sourceOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
