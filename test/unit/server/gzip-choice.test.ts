import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { plainGzipChoice } from '../../../src/server/gzip-choice.js';

/** What the compress middleware's negotiation chooses for `header`. */
function koaChoice(header: string): string | false {
  const req = new IncomingMessage(new Socket());
  req.headers = { 'accept-encoding': header };
  const ctx = new Koa().createContext(req, new ServerResponse(req));
  return ctx.acceptsEncodings('gzip', 'identity');
}

const DECIDED = ['gzip', 'GZIP', 'gzip, deflate', 'gzip, deflate, br', 'gzip, deflate, br, zstd', 'br', 'deflate, gzip', 'identity', 'identity, gzip', 'gzip, identity', ' br ,  gzip ', 'x-gzip'];
const LEFT = ['gzip;q=0', 'br;q=1, gzip;q=0.5', '*', 'gzip, *', 'gzip, gzip', 'gzip,,br', 'identity;q=0', 'gzip; q=1'];

describe('plainGzipChoice()', () => {
  it.each(DECIDED)('chooses what Koa chooses for %j', (header) => {
    expect(plainGzipChoice(header)).toBe(koaChoice(header));
  });

  it.each(LEFT)('leaves %j to the negotiation', (header) => {
    expect(plainGzipChoice(header)).toBeNull();
  });
});
