import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM files of a throwaway PKI: paths by name. */
export interface TestCertificates {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA that signed none of the above. */
  otherCaCert: string;
  /** A client certificate and key signed by the other CA. */
  otherClientCert: string;
  otherClientKey: string;
}

function openssl(args: string[]) {
  execFileSync('/usr/bin/openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string) {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=ortfleet test ${name}`,
    '-keyout',
    key,
    '-out',
    cert,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { cert, key };
}

/** A leaf certificate signed by `ca`, for a server (SAN 127.0.0.1 and localhost) or a client. */
function makeLeaf(dir: string, name: string, ca: { cert: string; key: string }, usage: 'server' | 'client', days = 2) {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      `extendedKeyUsage=${usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
      usage === 'server' ? 'subjectAltName=IP:127.0.0.1,DNS:localhost' : `subjectAltName=DNS:${name}`,
    ].join('\n'),
  );
  openssl([
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    key,
    '-out',
    csr,
  ]);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-days',
    String(days),
    '-extfile',
    ext,
    '-out',
    cert,
  ]);
  return { cert, key };
}

/**
 * Makes, with the openssl CLI, a CA with a server certificate for 127.0.0.1/localhost and a client certificate,
 * and a second, unrelated CA with a client certificate of its own.
 */
export function makeTestCertificates(dir: string): TestCertificates {
  const ca = makeCa(dir, 'ca');
  const server = makeLeaf(dir, 'server', ca, 'server');
  const client = makeLeaf(dir, 'client', ca, 'client');
  const otherCa = makeCa(dir, 'other-ca');
  const otherClient = makeLeaf(dir, 'other-client', otherCa, 'client');
  return {
    caCert: ca.cert,
    serverCert: server.cert,
    serverKey: server.key,
    clientCert: client.cert,
    clientKey: client.key,
    otherCaCert: otherCa.cert,
    otherClientCert: otherClient.cert,
    otherClientKey: otherClient.key,
  };
}
