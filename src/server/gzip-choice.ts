/**
 * What the compress middleware's negotiation (`ctx.acceptsEncodings('gzip', 'identity')`,
 * the `negotiator` package under Koa) chooses for the plainest Accept-Encoding headers,
 * worked out without it, so a path below Koa answers as Koa would. Only lists of distinct
 * bare names are decided: with no q-values every listed name and the implicit identity
 * rank equal, and the first listed wins, the implicit identity ranking after all of them.
 */

const BARE_NAME = /^[A-Za-z0-9!#$%&'+.^_`|~-]+$/;

/**
 * `'gzip'` or `'identity'` for a non-empty list of distinct bare encoding names (`gzip,
 * deflate, br`), null for anything else (q-values, `*`, repeats, empty items), which only
 * the negotiation itself may decide.
 */
export function plainGzipChoice(acceptEncoding: string): 'gzip' | 'identity' | null {
  const seen = new Set<string>();
  let gzipAt = -1;
  let identityAt = -1;
  const items = acceptEncoding.split(',');
  for (let i = 0; i < items.length; i += 1) {
    const name = (items[i] as string).trim().toLowerCase();
    if (!BARE_NAME.test(name) || seen.has(name)) return null;
    seen.add(name);
    if (name === 'gzip') gzipAt = i;
    else if (name === 'identity') identityAt = i;
  }
  return gzipAt !== -1 && (identityAt === -1 || gzipAt < identityAt) ? 'gzip' : 'identity';
}
