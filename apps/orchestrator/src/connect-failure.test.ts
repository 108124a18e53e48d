import { createServer, type Server } from 'node:net';
import { BadInputError, OrtfleetError } from '@ortfleet/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificates, type TestCertificates } from '../../../test/support/certs';
import { tempHome } from '../../../test/support/env';
import { startTlsProxy, type TlsProxy } from '../../../test/support/tls-proxy';
import { connectFailure, diagnoseTls } from './connect-failure';
import { freePort } from './dev-server';
import { readTemporalSecurity } from './temporal-tls';

// A plain-text server that speaks first, as a gRPC server sends its HTTP/2 SETTINGS, behind a TLS
// terminator that wants a client certificate from `certs.caCert`.
let certs: TestCertificates;
let plain: Server;
let plainAddress: string;
let proxy: TlsProxy;

function tls(env: Record<string, string>) {
  const { security, problems } = readTemporalSecurity(env);
  expect(problems).toEqual([]);
  return security.tls!;
}

beforeAll(async () => {
  certs = makeTestCertificates(tempHome());
  plain = createServer((socket) => {
    socket.on('error', () => {});
    socket.end(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]));
  });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  plainAddress = `127.0.0.1:${(plain.address() as { port: number }).port}`;
  proxy = await startTlsProxy({ target: plainAddress, cert: certs.serverCert, key: certs.serverKey, ca: certs.caCert });
});

afterAll(async () => {
  await proxy?.close();
  plain?.close();
});

describe('diagnoseTls', () => {
  const client = () => ({ TEMPORAL_TLS_CERT: certs.clientCert, TEMPORAL_TLS_KEY: certs.clientKey });

  it('finds nothing wrong with a server that takes the CA, the name and the client certificate', async () => {
    expect(await diagnoseTls(proxy.address, tls({ ...client(), TEMPORAL_TLS_CA: certs.caCert }))).toBeUndefined();
  });

  it('says TEMPORAL_TLS_CA, by file, does not verify a server its CA did not sign', async () => {
    const found = await diagnoseTls(proxy.address, tls({ ...client(), TEMPORAL_TLS_CA: certs.otherCaCert }));
    expect(found).toBeInstanceOf(BadInputError);
    expect(found?.message).toMatch(
      `TEMPORAL_TLS_CA (${certs.otherCaCert}) does not verify the server's certificate at ${proxy.address} (CN=server, issued by CN=ortfleet test ca`,
    );
  });

  it('says the system roots do not verify it when there is no TEMPORAL_TLS_CA', async () => {
    const found = await diagnoseTls(proxy.address, tls(client()));
    expect(found?.message).toMatch(
      `the system's root certificates do not verify the server's certificate at ${proxy.address}`,
    );
    expect(found?.message).toMatch('set TEMPORAL_TLS_CA');
  });

  it('says the server requires a client certificate, or refused the one in TEMPORAL_TLS_CERT', async () => {
    const none = await diagnoseTls(proxy.address, tls({ TEMPORAL_TLS_CA: certs.caCert }));
    expect(none).toBeInstanceOf(BadInputError);
    expect(none?.message).toMatch(`the server at ${proxy.address} requires a client certificate`);
    expect(none?.message).toMatch('set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY');
    const stranger = await diagnoseTls(
      proxy.address,
      tls({
        TEMPORAL_TLS_CERT: certs.otherClientCert,
        TEMPORAL_TLS_KEY: certs.otherClientKey,
        TEMPORAL_TLS_CA: certs.caCert,
      }),
    );
    expect(stranger?.message).toMatch(
      `the server at ${proxy.address} refused the client certificate TEMPORAL_TLS_CERT (${certs.otherClientCert})`,
    );
  });

  it('says which names the server certificate holds when TEMPORAL_TLS_SERVER_NAME is not one', async () => {
    const found = await diagnoseTls(
      proxy.address,
      tls({ ...client(), TEMPORAL_TLS_CA: certs.caCert, TEMPORAL_TLS_SERVER_NAME: 'temporal.example.com' }),
    );
    expect(found?.message).toMatch(
      `the server's certificate at ${proxy.address} is not valid for TEMPORAL_TLS_SERVER_NAME 'temporal.example.com'`,
    );
    expect(found?.message).toMatch('IP Address:127.0.0.1, DNS:localhost');
  });

  it('says a plain-text server does not speak TLS and what turned TLS on', async () => {
    const found = await diagnoseTls(plainAddress, tls({ TEMPORAL_API_KEY: 'secret' }));
    expect(found?.message).toMatch(`Temporal at ${plainAddress} does not speak TLS`);
    expect(found?.message).toMatch(
      'TLS is on because of TEMPORAL_API_KEY; for a plain-text server set TEMPORAL_TLS=false',
    );
  });

  it('leaves a server that does not answer at all to the usual message', async () => {
    const nobody = `127.0.0.1:${await freePort()}`;
    expect(await diagnoseTls(nobody, tls({ TEMPORAL_TLS: 'true' }))).toBeUndefined();
    const failure = await connectFailure(
      nobody,
      { tls: tls({ TEMPORAL_TLS: 'true' }) },
      new Error('Failed to connect before the deadline'),
    );
    expect(failure).toBeInstanceOf(OrtfleetError);
    expect(failure).not.toBeInstanceOf(BadInputError);
    expect(failure.message).toBe(
      `cannot reach Temporal at ${nobody} (TEMPORAL_ADDRESS): Failed to connect before the deadline`,
    );
  });
});

describe('connectFailure', () => {
  it('says the server refused TEMPORAL_API_KEY when it answers unauthenticated', async () => {
    const refused = Object.assign(new Error('Failed to connect to Temporal server'), {
      cause: { code: 16, details: 'Request unauthorized.' },
    });
    const failure = await connectFailure('temporal.example.com:7233', { apiKey: 'secret' }, refused);
    expect(failure).toBeInstanceOf(BadInputError);
    expect(failure.message).toBe(
      'Temporal at temporal.example.com:7233 refused TEMPORAL_API_KEY: Request unauthorized.',
    );
  });
});
