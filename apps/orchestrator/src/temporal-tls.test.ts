import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputError } from '@ortfleet/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificates, type TestCertificates } from '../../../test/support/certs';
import { tempHome } from '../../../test/support/env';
import { loadConfig } from './config';
import { connectionSecurityOptions, readTemporalSecurity } from './temporal-tls';

let dir: string;
let certs: TestCertificates;
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(() => {
  dir = tempHome();
  certs = makeTestCertificates(dir);
});

describe('readTemporalSecurity', () => {
  it('is plain text when nothing is set', () => {
    const { security, problems } = readTemporalSecurity({});
    expect(problems).toEqual([]);
    expect(security).toEqual({ tls: undefined, apiKey: undefined });
    expect(connectionSecurityOptions(security)).toEqual({});
  });

  it('reads a client certificate, its key, a CA and a server name for both connection kinds', () => {
    const { security, problems } = readTemporalSecurity({
      TEMPORAL_TLS_CERT: certs.clientCert,
      TEMPORAL_TLS_KEY: certs.clientKey,
      TEMPORAL_TLS_CA: certs.caCert,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.example.com',
    });
    expect(problems).toEqual([]);
    expect(security.tls).toMatchObject({
      cert: { path: certs.clientCert },
      key: { path: certs.clientKey },
      ca: { path: certs.caCert },
      serverName: 'temporal.example.com',
    });
    expect(connectionSecurityOptions(security)).toEqual({
      tls: {
        serverNameOverride: 'temporal.example.com',
        serverRootCACertificate: readFileSync(certs.caCert),
        clientCertPair: { crt: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) },
      },
      apiKey: undefined,
    });
  });

  it('turns TLS on with system roots for an API key or TEMPORAL_TLS=true, and keeps it off for TEMPORAL_TLS=false', () => {
    const cloud = readTemporalSecurity({ TEMPORAL_API_KEY: 'secret' });
    expect(cloud.problems).toEqual([]);
    expect(cloud.security.tls?.enabledBy).toEqual(['TEMPORAL_API_KEY']);
    expect(connectionSecurityOptions(cloud.security)).toEqual({
      tls: { serverNameOverride: undefined, serverRootCACertificate: undefined, clientCertPair: undefined },
      apiKey: 'secret',
    });

    const forced = readTemporalSecurity({ TEMPORAL_TLS: 'true' });
    expect(forced.security.tls?.enabledBy).toEqual(['TEMPORAL_TLS']);

    const plain = readTemporalSecurity({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'secret' });
    expect(plain.problems).toEqual([]);
    // Explicitly false: the SDKs would turn TLS on for an API key by themselves.
    expect(connectionSecurityOptions(plain.security)).toEqual({ tls: false, apiKey: 'secret' });
  });

  it('names the variable and the file for a missing file, a folder, and a file that is not PEM', () => {
    const missing = join(dir, 'missing.pem');
    const garbage = file('garbage.pem', 'this is not a certificate\n');
    const { problems } = readTemporalSecurity({
      TEMPORAL_TLS_CERT: missing,
      TEMPORAL_TLS_KEY: dir,
      TEMPORAL_TLS_CA: garbage,
    });
    expect(problems).toEqual([
      `TEMPORAL_TLS_CERT: ${missing}: no file at this path`,
      `TEMPORAL_TLS_KEY: ${dir}: is a folder, not a file`,
      `TEMPORAL_TLS_CA: ${garbage}: not a PEM file (no -----BEGIN ...----- block)`,
    ]);
  });

  it.skipIf(process.getuid?.() === 0)('says when a file cannot be read', () => {
    const locked = file('locked.pem', readFileSync(certs.caCert, 'utf8'));
    chmodSync(locked, 0o000);
    expect(readTemporalSecurity({ TEMPORAL_TLS_CA: locked }).problems).toEqual([
      `TEMPORAL_TLS_CA: ${locked}: cannot read it (permission denied)`,
    ]);
  });

  it('finds certificates and keys that do not parse, and PEM files of the wrong kind', () => {
    const brokenCert = file(
      'broken-cert.pem',
      '-----BEGIN CERTIFICATE-----\nAAAAbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
    );
    const brokenKey = file(
      'broken-key.pem',
      '-----BEGIN PRIVATE KEY-----\nAAAAbm90IGEga2V5\n-----END PRIVATE KEY-----\n',
    );
    const { problems } = readTemporalSecurity({
      TEMPORAL_TLS_CERT: brokenCert,
      TEMPORAL_TLS_KEY: brokenKey,
      TEMPORAL_TLS_CA: certs.clientKey,
    });
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^TEMPORAL_TLS_CERT: ${brokenCert}: the certificate does not parse \\(.+\\)$`)),
      expect.stringMatching(new RegExp(`^TEMPORAL_TLS_KEY: ${brokenKey}: the key does not parse \\(.+\\)$`)),
      `TEMPORAL_TLS_CA: ${certs.clientKey}: holds no certificate (found PRIVATE KEY)`,
    ]);
    expect(
      readTemporalSecurity({ TEMPORAL_TLS_CERT: certs.clientCert, TEMPORAL_TLS_KEY: certs.clientCert }).problems,
    ).toEqual([`TEMPORAL_TLS_KEY: ${certs.clientCert}: holds no private key (found CERTIFICATE)`]);
  });

  it('says a passphrase-protected key cannot be used', () => {
    const encrypted = join(dir, 'encrypted.key');
    execFileSync('/usr/bin/openssl', [
      'pkcs8',
      '-topk8',
      '-in',
      certs.clientKey,
      '-out',
      encrypted,
      '-v2',
      'aes-256-cbc',
      '-passout',
      'pass:secret',
    ]);
    expect(readTemporalSecurity({ TEMPORAL_TLS_CERT: certs.clientCert, TEMPORAL_TLS_KEY: encrypted }).problems).toEqual(
      [
        `TEMPORAL_TLS_KEY: ${encrypted}: the key is encrypted; the Temporal SDKs take no passphrase, give an unencrypted key`,
      ],
    );
  });

  it('refuses a key that is not the certificate’s, of the same or another kind', () => {
    expect(
      readTemporalSecurity({ TEMPORAL_TLS_CERT: certs.clientCert, TEMPORAL_TLS_KEY: certs.otherClientKey }).problems,
    ).toEqual([
      `TEMPORAL_TLS_KEY: ${certs.otherClientKey}: not the private key of the certificate in TEMPORAL_TLS_CERT (${certs.clientCert})`,
    ]);
    const ed25519 = join(dir, 'ed25519.key');
    execFileSync('/usr/bin/openssl', ['genpkey', '-algorithm', 'ED25519', '-out', ed25519], { stdio: 'ignore' });
    expect(readTemporalSecurity({ TEMPORAL_TLS_CERT: certs.clientCert, TEMPORAL_TLS_KEY: ed25519 }).problems).toEqual([
      `TEMPORAL_TLS_KEY: ${ed25519}: not the private key of the certificate in TEMPORAL_TLS_CERT (${certs.clientCert})`,
    ]);
  });

  it('needs a client certificate and its key together', () => {
    expect(readTemporalSecurity({ TEMPORAL_TLS_CERT: certs.clientCert }).problems).toEqual([
      `TEMPORAL_TLS_CERT: ${certs.clientCert}: set without TEMPORAL_TLS_KEY; a client certificate needs its private key`,
    ]);
    expect(readTemporalSecurity({ TEMPORAL_TLS_KEY: certs.clientKey }).problems).toEqual([
      `TEMPORAL_TLS_KEY: ${certs.clientKey}: set without TEMPORAL_TLS_CERT; a private key needs its client certificate`,
    ]);
  });

  it('refuses a client certificate that has expired or is not valid yet', () => {
    const env = { TEMPORAL_TLS_CERT: certs.clientCert, TEMPORAL_TLS_KEY: certs.clientKey };
    const day = 86_400_000;
    expect(readTemporalSecurity(env, new Date(Date.now() + 3 * day)).problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^TEMPORAL_TLS_CERT: ${certs.clientCert}: the certificate expired on \\w+ +\\d+ [\\d:]+ \\d{4} GMT$`,
        ),
      ),
    ]);
    expect(readTemporalSecurity(env, new Date(Date.now() - day)).problems).toEqual([
      expect.stringMatching(
        new RegExp(`^TEMPORAL_TLS_CERT: ${certs.clientCert}: the certificate is not valid before .+ GMT$`),
      ),
    ]);
  });

  it('checks TEMPORAL_TLS and the server name', () => {
    expect(
      readTemporalSecurity({ TEMPORAL_TLS: 'yes', TEMPORAL_TLS_SERVER_NAME: 'https://temporal.example.com' }).problems,
    ).toEqual([
      "TEMPORAL_TLS_SERVER_NAME: expected a host name such as temporal.example.com, got 'https://temporal.example.com'",
      "TEMPORAL_TLS: expected true or false, got 'yes'",
    ]);
    expect(readTemporalSecurity({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA: certs.caCert }).problems).toEqual([
      'TEMPORAL_TLS: false, but TEMPORAL_TLS_CA is set',
    ]);
  });
});

describe('loadConfig', () => {
  it('lists TLS problems with every other bad field, once each', () => {
    const missing = join(dir, 'missing-ca.pem');
    let error: unknown;
    try {
      loadConfig({ TEMPORAL_ADDRESS: 'not an address', TEMPORAL_TLS_CA: missing, TEMPORAL_TLS_CERT: certs.clientCert });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).problems).toEqual([
      'TEMPORAL_ADDRESS: expected host:port, e.g. localhost:7233',
      `TEMPORAL_TLS_CERT: ${certs.clientCert}: set without TEMPORAL_TLS_KEY; a client certificate needs its private key`,
      `TEMPORAL_TLS_CA: ${missing}: no file at this path`,
    ]);
  });

  it('carries the checked TLS files', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.example.com:7233',
      TEMPORAL_TLS_CA: certs.caCert,
      TEMPORAL_TLS_SERVER_NAME: '',
    });
    expect(config.temporalSecurity?.tls).toMatchObject({
      ca: { variable: 'TEMPORAL_TLS_CA', path: certs.caCert },
      serverName: undefined,
      enabledBy: ['TEMPORAL_TLS_CA'],
    });
  });
});
