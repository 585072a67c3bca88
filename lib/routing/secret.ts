/**
 * Reads a `secret_key_ref` (`{env: NAME}` or `{file: PATH}`). Messages name the variable or file,
 * never the secret.
 */
import { readFileSync } from 'node:fs';
import { RoutingError } from './errors.js';
import type { SecretRef } from './schema.js';

/**
 * @example
 * resolveSecret({ env: 'OPENAI_API_KEY' }) // the variable's value, trimmed
 * @throws RoutingError `ERR_SECRET_MISSING` when the variable is unset/empty or the file unreadable/empty.
 */
export function resolveSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): string {
  if ('env' in ref) {
    const value = env[ref.env]?.trim();
    if (!value) throw new RoutingError('ERR_SECRET_MISSING', `environment variable ${ref.env} is not set or empty`);
    return value;
  }
  let value: string;
  try {
    value = readFileSync(ref.file, 'utf8').trim();
  } catch (error) {
    throw new RoutingError('ERR_SECRET_MISSING', `cannot read key file ${ref.file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!value) throw new RoutingError('ERR_SECRET_MISSING', `key file ${ref.file} is empty`);
  return value;
}
