import { isIP } from 'node:net';
import { checkServerIdentity, connect, type PeerCertificate } from 'node:tls';
import { BadInputError, OrtfleetError } from '@ortfleet/core';
import type { TemporalSecurity, TemporalTlsFiles } from './temporal-tls';

// An HTTP/2 client preface and an empty SETTINGS frame: any gRPC server answers them.
const H2_PREFACE = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
]);
const NOT_TLS = /wrong version number|packet length too long|unknown protocol|record layer failure|http request/i;
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
// Alerts a server sends about the client's certificate (certificate required, bad certificate, unknown ca...).
const CERTIFICATE_ALERT = /certificate|unknown ca|access denied/i;
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

const names = (o: object | undefined) =>
  Object.entries(o ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');

type Outcome =
  | { kind: 'network' | 'inconclusive' }
  | { kind: 'not-tls' | 'refused'; reason: string }
  | { kind: 'untrusted' | 'wrong-name' | 'out-of-date'; reason: string; peer: PeerCertificate };

/** One TLS handshake of our own, as the SDKs would make it, and what the server did with it. */
function handshake(host: string, port: number, tls: TemporalTlsFiles, timeoutMs: number): Promise<Outcome> {
  const name = tls.serverName ?? host;
  return new Promise((resolve) => {
    let secure = false;
    const socket = connect({
      host,
      port,
      servername: isIP(name) ? undefined : name,
      ca: tls.ca?.pem,
      cert: tls.cert?.pem,
      key: tls.key?.pem,
      ALPNProtocols: ['h2'],
      rejectUnauthorized: false,
    });
    const done = (outcome: Outcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done({ kind: 'inconclusive' }), timeoutMs);
    socket.on('secureConnect', () => {
      secure = true;
      const peer = socket.getPeerCertificate();
      // Node puts the chain's verdict, or else the name check's, in authorizationError: a code as a string.
      const code = socket.authorized ? undefined : String(socket.authorizationError);
      if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
        return done({ kind: 'wrong-name', reason: checkServerIdentity(name, peer)?.message ?? code, peer });
      if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
        return done({ kind: 'out-of-date', reason: code, peer });
      if (code) return done(UNTRUSTED.has(code) ? { kind: 'untrusted', reason: code, peer } : { kind: 'inconclusive' });
      // With TLS 1.3 a server judges the client's certificate after the handshake: its answer is an alert
      // or a closed connection instead of HTTP/2 frames.
      socket.write(H2_PREFACE);
    });
    socket.on('data', () => done({ kind: 'inconclusive' }));
    socket.on('end', () =>
      done(secure ? { kind: 'refused', reason: 'the server closed the connection' } : { kind: 'inconclusive' }),
    );
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const alert = /alert ([a-z ]+)/i.exec(err.message)?.[1]?.trim();
      if (alert && CERTIFICATE_ALERT.test(alert)) return done({ kind: 'refused', reason: `TLS alert: ${alert}` });
      if (secure) return done({ kind: 'refused', reason: err.message.trim() });
      if (NETWORK.has(err.code ?? '')) return done({ kind: 'network' });
      done(NOT_TLS.test(err.message) ? { kind: 'not-tls', reason: err.message.trim() } : { kind: 'inconclusive' });
    });
  });
}

/**
 * Why TLS to Temporal at `address` fails, found with a handshake of our own (the SDKs' own errors are
 * "Failed to connect before the deadline" or a Rust transport error); undefined when TLS is not the reason.
 */
export async function diagnoseTls(
  address: string,
  tls: TemporalTlsFiles,
  timeoutMs = 5000,
): Promise<OrtfleetError | undefined> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
  const outcome = await handshake(host, Number(address.slice(colon + 1)), tls, timeoutMs);
  switch (outcome.kind) {
    case 'network':
    case 'inconclusive':
      return undefined;
    case 'not-tls':
      return new BadInputError(
        `Temporal at ${address} does not speak TLS (${outcome.reason}), but TLS is on because of ${tls.enabledBy.join(', ')}; for a plain-text server set TEMPORAL_TLS=false`,
      );
    case 'untrusted': {
      const served = `(${names(outcome.peer.subject)}, issued by ${names(outcome.peer.issuer)}: ${outcome.reason})`;
      return new BadInputError(
        tls.ca
          ? `TEMPORAL_TLS_CA (${tls.ca.path}) does not verify the server's certificate at ${address} ${served}; point TEMPORAL_TLS_CA at the CA that issued it`
          : `the system's root certificates do not verify the server's certificate at ${address} ${served}; set TEMPORAL_TLS_CA to the PEM file of the CA that issued it`,
      );
    }
    case 'out-of-date':
      return new OrtfleetError(
        'temporal_tls',
        `the server's certificate at ${address} is not valid now (${outcome.reason}: valid from ${outcome.peer.valid_from} to ${outcome.peer.valid_to})`,
      );
    case 'wrong-name':
      return new BadInputError(
        `the server's certificate at ${address} is not valid for ${tls.serverName ? `TEMPORAL_TLS_SERVER_NAME '${tls.serverName}'` : `'${host}'`} (${outcome.reason}); set TEMPORAL_TLS_SERVER_NAME to a name it holds (${outcome.peer.subjectaltname ?? names(outcome.peer.subject)})`,
      );
    case 'refused':
      return new BadInputError(
        tls.cert
          ? `the server at ${address} refused the client certificate TEMPORAL_TLS_CERT (${tls.cert.path}) (${outcome.reason}); it must be issued by a CA the server trusts for clients`
          : `the server at ${address} requires a client certificate (${outcome.reason}): set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY`,
      );
  }
}

/** gRPC status codes a server answers a missing or bad credential with. */
const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;

/** The error to show when a connection to Temporal at `address` fails: why in the user's terms where that can be found. */
export async function connectFailure(
  address: string,
  security: TemporalSecurity,
  err: unknown,
): Promise<OrtfleetError> {
  const error = err as Error & { cause?: { code?: number; details?: string } };
  if (security.tls) {
    const found = await diagnoseTls(address, security.tls);
    if (found) return found;
  }
  const code = error.cause?.code;
  if (security.apiKey && (code === UNAUTHENTICATED || code === PERMISSION_DENIED))
    return new BadInputError(
      `Temporal at ${address} refused TEMPORAL_API_KEY: ${error.cause?.details ?? error.message}`,
    );
  return new OrtfleetError(
    'temporal_unreachable',
    `cannot reach Temporal at ${address} (TEMPORAL_ADDRESS): ${error.message}`,
  );
}
