/**
 * Whether a URL's host stays on this machine or a private network. Used to hold a target's
 * `local_only_processing` / `allow_internet_egress: false` declaration to its actual address: a
 * target declared local whose URL points at a public host is rejected, because the declaration is
 * then plainly false and card-adjacent prompts would leave the network.
 *
 * Only literal addresses and reserved names count (no DNS lookup: routing is synchronous and must
 * not depend on resolver state): loopback, RFC 1918 / RFC 4193 / link-local addresses, `localhost`,
 * `*.localhost`, `*.internal`, `*.local`, `*.lan`, `*.home.arpa` and single-label names.
 */
import { isIP } from 'node:net';

const LOCAL_SUFFIXES = ['.localhost', '.internal', '.local', '.lan', '.home.arpa'];

function isPrivateIPv4(host: string): boolean {
  const parts = host.split('.').map(Number);
  const [a, b] = parts as [number, number, number, number];
  return (
    a === 127 ||
    a === 10 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127) // carrier-grade NAT, used by private overlays
  );
}

function isPrivateIPv6(host: string): boolean {
  const h = host.toLowerCase();
  if (h === '::1') return true;
  if (h.startsWith('::ffff:')) {
    const v4 = h.slice(7);
    return isIP(v4) === 4 && isPrivateIPv4(v4);
  }
  return /^f[cd][0-9a-f]{2}:/.test(h) || /^fe[89ab][0-9a-f]:/.test(h);
}

/**
 * @example
 * isLocalUrl('http://127.0.0.1:8080/v1') // true
 * isLocalUrl('https://api.openai.com/v1') // false
 */
export function isLocalUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const kind = isIP(host);
  if (kind === 4) return isPrivateIPv4(host);
  if (kind === 6) return isPrivateIPv6(host);
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || !name.includes('.')) return true;
  return LOCAL_SUFFIXES.some((suffix) => name.endsWith(suffix));
}
