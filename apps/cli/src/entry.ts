import { Runtime } from '@temporalio/worker';
import { OrtfleetError } from '@ortfleet/core';
import { DAEMON_COMMANDS, installCommandRuntime } from '@ortfleet/orchestrator';

/** A command: its arguments after the command name in, its exit code out. */
export type Command = (argv: string[]) => Promise<number> | number;

/**
 * Runs one command of a command table the way every ortfleet entry point does (`ortfleet`, the agent
 * archive's `ortfleet-agent`): the Temporal runtime set up once, bad input exits 2, other errors 1.
 */
export async function runEntry(commands: Record<string, Command>, usage: string, argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!DAEMON_COMMANDS.has(name ?? '')) installCommandRuntime();
  try {
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      console.log(usage);
      return name ? 0 : 2;
    }
    const command = commands[name];
    if (!command) {
      console.error(`unknown command '${name}'\n\n${usage}`);
      return 2;
    }
    return await command(rest);
  } catch (err) {
    if (err instanceof OrtfleetError) {
      console.error(`ortfleet: ${err.message}`);
      return err.code === 'bad_input' ? 2 : 1;
    }
    console.error(err);
    return 1;
  } finally {
    // A runtime that forwards core's logs keeps Node alive until it is shut down, even after a failed connect.
    await Runtime._instance?.shutdown();
  }
}
