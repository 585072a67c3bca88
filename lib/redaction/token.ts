/**
 * Keyed tokens: HMAC-SHA-256 of a finding's normalised value under a key with an id.
 *
 * Deterministic per key (the same card gives the same token, so logs stay correlatable), one-way,
 * and useless without the key: PCI DSS 3.5.1.1 forbids unkeyed hashes of PANs, because a PAN has
 * so little entropy that a plain hash is reversed by enumeration. The type is part of the MAC
 * input, so a PAN and a custom id with the same digits do not share a token.
 */
import { createHmac } from 'node:crypto';
import type { Key } from './keys.js';

/** Hex characters of the MAC kept in a token: 96 bits. */
export const TOKEN_HEX_CHARS = 24;

/**
 * The token text for a normalised value.
 *
 * @example
 * keyedToken(key, 'pan', '4111111111111111') // '[TOKEN:PAN:k1:…24 hex…]'
 */
export function keyedToken(key: Key, type: string, normalised: string): string {
  const mac = createHmac('sha256', key.bytes).update(type).update('\0').update(normalised).digest('hex');
  return `[TOKEN:${type.toUpperCase()}:${key.id}:${mac.slice(0, TOKEN_HEX_CHARS)}]`;
}
