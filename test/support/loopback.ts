// A throwaway HTTP server on 127.0.0.1 (a free port) for the tests: a fake Agent, a fake service. It records each
// request as "METHOD /path" and closes with its open connections.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  /** http://127.0.0.1:<port>, without a trailing slash. */
  url: string;
  port: number;
  requests: string[];
  close(): Promise<void>;
}

export async function serveLoopback(handler: http.RequestListener): Promise<LoopbackServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A fake Agent answering `body` as JSON on /info (on every path with `everyPath`), 404 elsewhere. */
export function fakeAgent(body: object, opts: { everyPath?: boolean } = {}): Promise<LoopbackServer> {
  return serveLoopback((req, res) => {
    res.writeHead(opts.everyPath || req.url === '/info' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
}
