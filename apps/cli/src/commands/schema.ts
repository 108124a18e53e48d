import { specJsonSchema } from '@ortfleet/core';
import { parseCommand } from '../args';

const USAGE = `usage: ortfleet schema

Prints the JSON Schema of the spec file (for editors; also committed as packages/core/spec.schema.json).`;

/** `ortfleet schema`. */
export function schemaCommand(argv: string[]): number {
  const { values } = parseCommand(argv, {}, USAGE);
  if (values.help) return (console.log(USAGE), 0);
  process.stdout.write(`${JSON.stringify(specJsonSchema(), null, 2)}\n`);
  return 0;
}
