import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '@ortfleet/core';
import { startDevServer, type DevServer } from '../apps/orchestrator/src/dev-server';
import { writeAddSpec } from './support/specs';
import { makeTestCertificates, type TestCertificates } from './support/certs';
import { ortfleet, startDaemon, type Daemon } from './support/cli';
import { freshDatabase, tempHome, temporalBinary } from './support/env';
import { startTlsProxy, type TlsProxy } from './support/tls-proxy';
import { waitFor } from './support/wait';

// A Temporal server that takes only mutual TLS: the dev server behind a TLS terminator that wants a client
// certificate from our CA. `ortfleet worker`, `ortfleet agent` and `ortfleet run` all reach it through
// TEMPORAL_TLS_CA, TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY.
describe('ortfleet over mutual TLS', () => {
  let home: string;
  let certs: TestCertificates;
  let server: DevServer;
  let proxy: TlsProxy;
  let env: Record<string, string>;
  const daemons: Daemon[] = [];

  const registered = async (id: string) => {
    const db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    try {
      return (await db.query('select id from agents where id = $1', [id])).rows.length === 1;
    } finally {
      await db.end();
    }
  };

  beforeAll(async () => {
    home = tempHome();
    certs = makeTestCertificates(home);
    server = await startDevServer({
      binary: temporalBinary(),
      dbFilename: join(home, 'temporal.db'),
      namespace: 'default',
    });
    proxy = await startTlsProxy({
      target: server.address,
      cert: certs.serverCert,
      key: certs.serverKey,
      ca: certs.caCert,
    });
    env = {
      TEMPORAL_ADDRESS: proxy.address,
      TEMPORAL_TLS_CA: certs.caCert,
      TEMPORAL_TLS_CERT: certs.clientCert,
      TEMPORAL_TLS_KEY: certs.clientKey,
      DATABASE_URL: await freshDatabase(),
      ORTFLEET_HOME: home,
    };
    daemons.push(startDaemon('worker', ['worker'], env));
    daemons.push(startDaemon('agent', ['agent', '--id', 'tls-agent'], { ...env, DATABASE_URL: '' }));
    await waitFor(
      'the agent to register over TLS',
      async () => {
        for (const d of daemons)
          if (d.child.exitCode !== null) throw new Error(`${d.name} exited ${d.child.exitCode}: ${d.stderr}`);
        return registered('tls-agent');
      },
      90_000,
    );
  });

  afterAll(async () => {
    for (const d of daemons) if (d.child.exitCode === null) d.child.kill('SIGKILL');
    await proxy?.close();
    await server?.stop();
  });

  it('refuses agents without a trusted client certificate, and bad TLS settings, each naming the variable and the file', async () => {
    const garbage = join(home, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate\n');
    const agentEnv = { ...env, DATABASE_URL: '' };
    // Each process waits for its own connection to fail, so they run side by side.
    const [noCert, stranger, wrongCa, badFiles, halfPair] = await Promise.all([
      ortfleet(
        ['agent', '--id', 'no-cert-agent'],
        { ...agentEnv, TEMPORAL_TLS_CERT: '', TEMPORAL_TLS_KEY: '' },
        45_000,
      ),
      ortfleet(
        ['agent', '--id', 'stranger-agent'],
        { ...agentEnv, TEMPORAL_TLS_CERT: certs.otherClientCert, TEMPORAL_TLS_KEY: certs.otherClientKey },
        45_000,
      ),
      ortfleet(['agent', '--id', 'wrong-ca-agent'], { ...agentEnv, TEMPORAL_TLS_CA: certs.otherCaCert }, 45_000),
      ortfleet(
        ['agent', '--id', 'bad-files-agent'],
        { ...agentEnv, TEMPORAL_TLS_KEY: certs.otherClientKey, TEMPORAL_TLS_CA: garbage },
        45_000,
      ),
      ortfleet(['worker'], { ...env, TEMPORAL_TLS_KEY: '' }, 45_000),
    ]);

    expect(noCert.code, noCert.stderr).toBe(2);
    expect(noCert.stderr).toContain(`the server at ${proxy.address} requires a client certificate`);
    expect(noCert.stderr).toContain('set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY');
    expect(
      proxy.refused.some((why) => /peer did not return a certificate/.test(why)),
      proxy.refused.join('\n'),
    ).toBe(true);

    expect(stranger.code, stranger.stderr).toBe(2);
    expect(stranger.stderr).toContain(
      `the server at ${proxy.address} refused the client certificate TEMPORAL_TLS_CERT (${certs.otherClientCert})`,
    );

    expect(wrongCa.code, wrongCa.stderr).toBe(2);
    expect(wrongCa.stderr).toContain(
      `TEMPORAL_TLS_CA (${certs.otherCaCert}) does not verify the server's certificate at ${proxy.address}`,
    );

    // Files are checked before anything connects, and every problem is listed.
    expect(badFiles.code, badFiles.stderr).toBe(2);
    expect(badFiles.stderr).toContain(
      `TEMPORAL_TLS_KEY: ${certs.otherClientKey}: not the private key of the certificate in TEMPORAL_TLS_CERT (${certs.clientCert})`,
    );
    expect(badFiles.stderr).toContain(`TEMPORAL_TLS_CA: ${garbage}: not a PEM file`);
    expect(halfPair.code, halfPair.stderr).toBe(2);
    expect(halfPair.stderr).toContain(`TEMPORAL_TLS_CERT: ${certs.clientCert}: set without TEMPORAL_TLS_KEY`);

    for (const id of ['no-cert-agent', 'stranger-agent', 'wrong-ca-agent', 'bad-files-agent'])
      expect(await registered(id), id).toBe(false);
  });

  it('runs a spec through a worker and an agent that both connect with TLS', async () => {
    const spec = writeAddSpec(home, 'tls');
    const res = await ortfleet(['run', spec, '--json'], env);
    expect(res.code, res.stderr).toBe(0);
    const summary = JSON.parse(res.stdout) as RunSummary;
    expect(summary.cells.map((c) => [c.params.batch, c.status, c.agentId])).toEqual([
      [1, 'ok', 'tls-agent'],
      [2, 'ok', 'tls-agent'],
    ]);
  });
});
