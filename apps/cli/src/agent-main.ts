/**
 * Entry point of the agent archive (scripts/build-agent.ts): `ortfleet-agent [agent flags]` runs an agent,
 * `ortfleet-agent check` checks the machine. Only these two commands are bundled, so the archive carries
 * no database, dashboard or workflow code.
 */
import { checkCommand } from './commands/check';
import { AGENT_USAGE, agentCommand } from './commands/daemons';
import { runEntry } from './entry';

const USAGE = `usage: ortfleet-agent [agent flags]    start an agent (the same as \`ortfleet agent\`)
       ortfleet-agent check [--json]   probe this machine and measure a real model on each EP (\`ortfleet check\`)
       ortfleet-agent check --help

${AGENT_USAGE.replace(/^usage: ortfleet agent/, 'agent flags:')}`;

const args = process.argv.slice(2);
const named = args[0] === 'check' || args[0] === 'agent';
process.exitCode = await runEntry(
  { agent: agentCommand, check: checkCommand },
  USAGE,
  named ? args : ['agent', ...args],
);
