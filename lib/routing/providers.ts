/**
 * Public API base URLs of OpenAI-compatible providers, used when a target has no `base_url`.
 * Only providers whose chat-completions and embeddings endpoints follow the OpenAI wire format are
 * listed: the gateway forwards requests verbatim (after the chain), it does not translate formats.
 */
import { RoutingError } from './errors.js';
import type { Target } from './schema.js';

export const DEFAULT_BASE_URLS: Readonly<Record<string, string>> = {
  openai: 'https://api.openai.com/v1',
  mistral: 'https://api.mistral.ai/v1',
  groq: 'https://api.groq.com/openai/v1',
  together: 'https://api.together.xyz/v1',
  openrouter: 'https://openrouter.ai/api/v1',
  deepseek: 'https://api.deepseek.com/v1',
  ollama: 'http://127.0.0.1:11434/v1',
};

/**
 * The URL requests for `target` go to: its `base_url`, else its provider's public API.
 *
 * @example
 * baseUrlOf({ id: 'a', provider: 'openai', ... }) // 'https://api.openai.com/v1'
 * @throws RoutingError `ERR_UNKNOWN_PROVIDER` when neither is known.
 */
export function baseUrlOf(target: Pick<Target, 'id' | 'provider' | 'base_url'>): string {
  if (target.base_url !== undefined) return target.base_url.replace(/\/+$/, '');
  const known = DEFAULT_BASE_URLS[target.provider];
  if (known === undefined) {
    throw new RoutingError(
      'ERR_UNKNOWN_PROVIDER',
      `target "${target.id}": provider "${target.provider}" has no default base_url; set base_url ` +
        `(known providers: ${Object.keys(DEFAULT_BASE_URLS).join(', ')})`,
    );
  }
  return known;
}
