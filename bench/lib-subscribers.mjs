// Idle stream subscribers for the server benches (bench/rss.mjs, bench/subscribers.mjs):
// raw sockets that complete the WebSocket or SSE handshake, then read and discard what
// they are sent and send nothing. No parsing on the client side: the box is shared, and
// the figure is the server's.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

/**
 * Opens `count` subscribers on the server at 127.0.0.1:`port`, alternately WebSocket
 * (`wsPath`) and SSE (`ssePath`), with `wsHeaders`/`sseHeaders` (whole `Name: value\r\n`
 * lines) added to their requests; resolves to the sockets once every one has its answer.
 * `onData` sees what each is sent after the answer.
 */
export function openIdleSubscribers(port, count, { wsPath = '/ws/events', ssePath = '/events', wsHeaders = '', sseHeaders = '', onData } = {}) {
  const sockets = [];
  for (let i = 0; i < count; i += 1) {
    const ws = i % 2 === 0;
    sockets.push(
      new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(
            ws
              ? `GET ${wsPath} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
                  `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
                  `${wsHeaders}\r\n`
              : `GET ${ssePath} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n${sseHeaders}\r\n`,
          );
        });
        socket.once('data', (head) => {
          if (!/^HTTP\/1\.1 (101|200)/.test(head.toString('latin1'))) reject(new Error(`subscriber refused: ${head.toString('latin1').split('\r\n')[0]}`));
          resolve(socket);
          if (onData) socket.on('data', onData);
          else socket.resume();
        });
        socket.on('error', reject);
      }),
    );
  }
  return Promise.all(sockets);
}
