/**
 * What a fast path below Koa already did for a request it then hands to Koa: the body it
 * read (a body can be read once) and, when it got that far, the handler's outcome (a start
 * must never run twice). The route's Koa path makes every check again and takes these
 * instead of reading or handling anew, so Koa answers exactly as if it had done it all.
 */
import type { IncomingMessage } from 'node:http';
import type { ReadBody } from './read-body.js';
import type { RouteResponse } from './route.js';

export type KeptOutcome = { result: RouteResponse } | { error: unknown };

export interface KeptRequest {
  /** The request id the fast path gave the handler: Koa's answer and log line carry the same one. */
  request_id: string;
  /** The body as read, or what reading it threw. */
  body: { read: ReadBody } | { error: unknown };
  /** The handler's answer or failure; absent when the handler was not called. */
  outcome?: KeptOutcome;
}

const kept = new WeakMap<IncomingMessage, KeptRequest>();

/** Records what was done for `req` before it goes to Koa. */
export function keepRequest(req: IncomingMessage, done: KeptRequest): void {
  kept.set(req, done);
}

/** What a fast path did for `req`, if it handed it on. */
export function keptRequestOf(req: IncomingMessage): KeptRequest | undefined {
  return kept.get(req);
}
