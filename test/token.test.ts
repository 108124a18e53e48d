import { describe, expect, it } from 'vitest';
import { ortfleet } from './support/cli';
import { freshDatabase, tempHome } from './support/env';

describe('ortfleet token', () => {
  it('creates a token shown once, lists it without its secret, and revokes it', async () => {
    const env = { DATABASE_URL: await freshDatabase(), ORTFLEET_HOME: tempHome() };
    const created = await ortfleet(['token', 'create', 'nightly-ci'], env);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^ortf_[\w-]{32}$/);
    expect(created.stderr).toMatch(/token 1 'nightly-ci' created; it is shown only now/);

    const listed = await ortfleet(['token', 'list', '--json'], env);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ id: 1, name: 'nightly-ci', revokedAt: null }),
    ]);
    expect(listed.stdout).not.toContain(token);

    expect((await ortfleet(['token', 'revoke', '1'], env)).code).toBe(0);
    const again = await ortfleet(['token', 'revoke', '1'], env);
    expect([again.code, again.stderr]).toEqual([2, expect.stringContaining('no live token with id 1')]);
  });

  it('exits 2 naming what is wrong, before touching the database', async () => {
    const env = { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none', ORTFLEET_HOME: tempHome() };
    for (const [args, message] of [
      [['token'], /missing an action/],
      [['token', 'mint'], /unknown action 'mint'/],
      [['token', 'create'], /needs a NAME/],
      [['token', 'create', 'a b'], /needs a NAME/],
      [['token', 'revoke', 'first'], /numeric ID/],
    ] as const) {
      const res = await ortfleet([...args], env);
      expect({ args, code: res.code }).toEqual({ args, code: 2 });
      expect(res.stderr).toMatch(message);
    }
  });
});
