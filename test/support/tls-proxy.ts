import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';

/** A TLS terminator in front of a plain-text server, and the handshakes it refused. */
export interface TlsProxy {
  address: string;
  /** Why each refused handshake failed (e.g. a client without a certificate). */
  refused: string[];
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 with TLS for HTTP/2 and requires a client certificate signed by `ca` (mutual TLS, as
 * a Temporal server configured for it does), then pipes each connection to `target` (host:port) in plain text.
 */
export async function startTlsProxy(opts: {
  target: string;
  cert: string;
  key: string;
  ca: string;
}): Promise<TlsProxy> {
  const [host, port] = [
    opts.target.slice(0, opts.target.lastIndexOf(':')),
    Number(opts.target.slice(opts.target.lastIndexOf(':') + 1)),
  ];
  const refused: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(
    {
      key: readFileSync(opts.key),
      cert: readFileSync(opts.cert),
      ca: readFileSync(opts.ca),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (tlsSocket: TLSSocket) => {
      const upstream = connect(port, host);
      for (const s of [tlsSocket, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {
          tlsSocket.destroy();
          upstream.destroy();
        });
      }
      tlsSocket.pipe(upstream).pipe(tlsSocket);
    },
  );
  server.on('tlsClientError', (err) => refused.push(err.message));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port: listening } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${listening}`,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
