/**
 * startServer: one port for REST, WebSocket and SSE. Starts the engine (or the cluster
 * node around it), listens, and returns a handle whose close() shuts down gracefully:
 * stop accepting, close streams, let in-flight requests finish (up to a grace period),
 * stop the engine. With a node, the node closes right after the server stops accepting,
 * while streams still carry the events of the executions finishing in its grace period.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { appInternals, createApp } from './app.js';
import { assertSafeBind } from './auth.js';
import type { ServerDeps } from './deps.js';
import type { EventBus } from '../engine/event-bus.js';
import { attachWebSockets } from './ws.js';
import { createRequestListener } from './request-listener.js';
import { SETTINGS } from '../core/settings.js';

export interface StartServerOptions extends ServerDeps {
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 8002 */
  port?: number;
  /** Milliseconds in-flight requests get on close before their connections are cut. @default 10000 */
  grace_ms?: number;
  /**
   * What drives the engine when it is not the engine alone: a cluster node's start() and
   * close(). Its stop() runs once the server stops accepting, before streams are closed.
   * @default the engine's start() and stop(), stop() after the connections are closed
   */
  node?: { start(): Promise<void>; stop(): Promise<void> };
  /** The events /metrics counts. @default engine.bus (a cluster node passes its local events) */
  metrics_bus?: EventBus;
}

export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  host: string;
  port: number;
  server: Server;
  app: Koa;
  /** Graceful shutdown; the store stays open (its owner closes it). Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the engine and serves the app on one port.
 * Thrown (CONFIG_INVALID) when no token is configured and `host` is not loopback.
 * @example
 * const running = await startServer({ store, engine, packs, host: '127.0.0.1', port: 8002 });
 * process.on('SIGTERM', () => void running.close());
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const host = options.host ?? SETTINGS.host.default;
  const app = createApp(options);
  const { services, authenticator, hub } = appInternals(app);
  assertSafeBind(host, authenticator);

  const server = createServer(createRequestListener(app));
  server.headersTimeout = 30_000;
  server.requestTimeout = 0; // SSE responses are long-lived
  const closeWebSockets = attachWebSockets(server, { services, authenticator, hub });
  const unsubscribeMetrics = (options.metrics_bus ?? options.engine.bus).subscribe({}, (event) => services.metrics.observeEvent(event));
  const node = options.node;

  if (node) await node.start();
  else await options.engine.start();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? SETTINGS.port.default, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    unsubscribeMetrics();
    if (node) await node.stop();
    else await options.engine.stop();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  services.logger.info({ host: address.address, port: address.port }, 'harmonia listening');

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (node) {
        // No new connections from here; open streams see the executions that finish in the node's grace.
        server.closeIdleConnections();
        await node.stop();
      }
      hub.closeAll('server shutting down');
      closeWebSockets();
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), options.grace_ms ?? 10_000);
      grace.unref();
      await closed;
      clearTimeout(grace);
      unsubscribeMetrics();
      if (!node) await options.engine.stop();
      services.logger.info('harmonia stopped');
    })();
    return closing;
  };

  return { url: `http://${urlHost}:${address.port}`, host: address.address, port: address.port, server, app, close };
}
