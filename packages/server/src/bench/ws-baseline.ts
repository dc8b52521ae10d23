/**
 * The raw baseline of `pnpm bench:fanout`: a plain `ws` server that, when
 * told over HTTP (POST /broadcast with the message as the body), sends that
 * message as it is to every connected socket. No GraphQL, no database, no
 * per-subscriber work: the floor for pushing one message to N sockets.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ noServer: true });
const server = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.end(JSON.stringify({ sockets: wss.clients.size, rssBytes: process.memoryUsage.rss() }));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const message = Buffer.concat(chunks).toString();
    for (const socket of wss.clients) socket.send(message);
    res.end('{}');
  });
});
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => process.exit(0));
