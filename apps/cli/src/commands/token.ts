import { BadInputError } from '@ortfleet/core';
import { createApiToken, listApiTokens, openDatabase, revokeApiToken } from '@ortfleet/db';
import { loadConfig } from '@ortfleet/orchestrator';
import { parseCommand } from '../args';

export const TOKEN_USAGE = `usage: ortfleet token create NAME [--json]
       ortfleet token list [--json]
       ortfleet token revoke ID

API tokens for the dashboard's API: starting runs (POST /api/v1/runs) and uploading models need one, and
\`ortfleet serve --read-token\` makes reading need one too. Send it as \`Authorization: Bearer <token>\`.
A token is printed once, when created; the database (DATABASE_URL, or the embedded PGlite under
ORTFLEET_HOME) keeps only its sha256. A revoked token stops working at once.`;

/** `ortfleet token`. */
export async function tokenCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { json: { type: 'boolean' } }, TOKEN_USAGE);
  if (values.help) return (console.log(TOKEN_USAGE), 0);
  const [action, arg, ...extra] = positionals;
  if (extra.length > 0) throw new BadInputError(`unexpected arguments: ${extra.join(' ')}\n\n${TOKEN_USAGE}`);
  if (action === 'create' && (!arg || !/^[\w.@-]{1,100}$/.test(arg)))
    throw new BadInputError(`token create needs a NAME of letters, digits, '_', '.', '@' or '-'\n\n${TOKEN_USAGE}`);
  if (action === 'revoke' && !/^\d{1,9}$/.test(arg ?? ''))
    throw new BadInputError(`token revoke needs the token's numeric ID (see \`token list\`)\n\n${TOKEN_USAGE}`);
  if (action === 'list' && arg) throw new BadInputError(`unexpected argument: ${arg}\n\n${TOKEN_USAGE}`);
  if (!['create', 'list', 'revoke'].includes(action ?? ''))
    throw new BadInputError(`${action ? `unknown action '${action}'` : 'missing an action'}\n\n${TOKEN_USAGE}`);

  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, home: config.ORTFLEET_HOME });
  try {
    if (action === 'create') {
      const created = await createApiToken(database.db, arg!);
      if (values.json) console.log(JSON.stringify(created));
      else {
        console.log(created.token);
        console.error(`token ${created.id} '${created.name}' created; it is shown only now`);
      }
      return 0;
    }
    if (action === 'revoke') {
      if (!(await revokeApiToken(database.db, Number(arg)))) throw new BadInputError(`no live token with id ${arg}`);
      console.error(`token ${arg} revoked`);
      return 0;
    }
    const tokens = await listApiTokens(database.db);
    if (values.json) console.log(JSON.stringify(tokens, null, 2));
    else if (tokens.length === 0) console.log('no tokens; create one with `ortfleet token create NAME`');
    else
      for (const t of tokens)
        console.log(
          `${t.id}  ${t.name}  created ${t.createdAt.toISOString()}  last used ${t.lastUsedAt?.toISOString() ?? 'never'}${t.revokedAt ? `  revoked ${t.revokedAt.toISOString()}` : ''}`,
        );
    return 0;
  } finally {
    await database.close();
  }
}
