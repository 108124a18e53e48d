import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { OrtfleetError } from '@ortfleet/core';
import type { Config } from './config';
import { startDevServer } from './dev-server';

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
export function findTemporalBinary(config: Pick<Config, 'ORTFLEET_TEMPORAL_BIN' | 'ORTFLEET_HOME'>): string | undefined {
  if (config.ORTFLEET_TEMPORAL_BIN) return config.ORTFLEET_TEMPORAL_BIN;
  try {
    const onPath = execFileSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' }).trim();
    if (onPath) return onPath;
  } catch {
    // not on PATH
  }
  const bootstrapped = join(config.ORTFLEET_HOME, 'tools', 'bin', 'temporal');
  return existsSync(bootstrapped) ? bootstrapped : undefined;
}

async function connectTo(address: string, namespace: string, stopServer: () => Promise<void> = async () => {}): Promise<TemporalHandle> {
  let clientConnection: Connection;
  try {
    clientConnection = await Connection.connect({ address, connectTimeout: '10 seconds' });
  } catch (err) {
    throw new OrtfleetError('temporal_unreachable', `cannot reach Temporal at ${address} (TEMPORAL_ADDRESS): ${(err as Error).message}`);
  }
  const workerConnection = await NativeConnection.connect({ address });
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

/**
 * Connects to TEMPORAL_ADDRESS, or starts an embedded Temporal dev server (persisted under ORTFLEET_HOME)
 * from an existing `temporal` binary, falling back to the SDK's cached download where the internet is
 * reachable.
 */
export async function connectTemporal(config: Config, log: (line: string) => void = () => {}): Promise<TemporalHandle> {
  const namespace = config.TEMPORAL_NAMESPACE;
  if (config.TEMPORAL_ADDRESS) return connectTo(config.TEMPORAL_ADDRESS, namespace);
  mkdirSync(config.ORTFLEET_HOME, { recursive: true });
  const dbFilename = join(config.ORTFLEET_HOME, 'temporal.db');
  const binary = findTemporalBinary(config);
  if (binary) {
    log(`starting embedded Temporal dev server (${binary})`);
    const server = await startDevServer({ binary, dbFilename, namespace });
    return connectTo(server.address, namespace, server.stop);
  }
  log('no temporal binary (ORTFLEET_TEMPORAL_BIN, PATH, ORTFLEET_HOME/tools/bin): starting the SDK\'s downloaded dev server');
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download' }, namespace, dbFilename, ui: false, log: { level: 'error', format: 'pretty' } },
  });
  return {
    client: env.client,
    clientConnection: env.connection,
    workerConnection: env.nativeConnection,
    namespace,
    address: env.connection.options.address,
    close: () => env.teardown(),
  };
}
