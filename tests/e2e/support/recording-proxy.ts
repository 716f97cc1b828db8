/**
 * What the server really receives, whatever the browser: a plain HTTP proxy in the test
 * process, in front of the real server, that forwards every request unchanged and records
 * its method, path and whole body. The page is opened through it, so every request that
 * leaves the browser for the app's origin passes here (a request the service worker answers
 * never leaves the device, and is not seen: rightly). No driver is needed to see requests,
 * so the suite's privacy check runs in every engine.
 */
import { createServer, request as forward, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the server received it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  body: Buffer;
}

export interface RecordingProxy {
  /** The proxy's origin, `http://127.0.0.1:<port>`: open the page here. */
  url: string;
  /** Every request received so far, in order. */
  received(): ReceivedRequest[];
  /** Stops listening and drops open connections (as a stopped server would). */
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts a proxy on a free port of 127.0.0.1 that forwards to `target` (an `http://host:port` origin). */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const to = new URL(target);
  const seen: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer(async (req, res) => {
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      return res.destroy();
    }
    seen.push({ method: req.method ?? '', path: req.url ?? '', body });
    const upstream = forward(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.on('error', () => res.destroy());
        answer.pipe(res);
      },
    );
    // The browser gave up on it (a cancelled download): stop reading from the server too.
    res.on('close', () => upstream.destroy());
    // The server gone (the offline test stops it): the browser sees a failed connection, as it would.
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => [...seen],
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
