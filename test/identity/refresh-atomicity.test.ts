import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashRefreshToken } from '../../subgraphs/identity/src/session/session.service.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { codeOf, goodPassword, meId, refresh, register, uniqueEmail } from './auth-helpers.js';

/**
 * A refresh spends the presented token and issues its successor in one transaction. Here the
 * database refuses the successor once (a trigger on this file's own database): the presented token
 * must then still be unspent, or the client would be signed out by a failure that was not its own.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
  const em = stack.subgraphs.identity.database.fork();
  await em.execute('create table "identity"."refused_successor" (session_id uuid primary key)');
  await em.execute(`
    create function "identity"."refuse_successor"() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from "identity"."refused_successor" where session_id = new.session_id) then
        raise exception 'refresh token refused for session %', new.session_id;
      end if;
      return new;
    end $$`);
  await em.execute(
    'create trigger refuse_successor before insert on "identity"."refresh_token" for each row execute function "identity"."refuse_successor"()',
  );
});
afterAll(async () => {
  await stack?.stop();
});

describe('refresh token rotation', () => {
  it('leaves the presented token unspent when its successor cannot be stored', async () => {
    const signedUp = await register(stack, { email: uniqueEmail('rotation'), password: goodPassword });
    expect(signedUp.errors).toBeUndefined();
    const { accessToken, refreshToken } = signedUp.data!.register;
    const [session] = await stack.subgraphs.identity.database
      .fork()
      .execute<{ session_id: string }[]>('select session_id from "identity"."refresh_token" where token_hash = ?', [
        hashRefreshToken(refreshToken),
      ]);
    const em = stack.subgraphs.identity.database.fork();
    await em.execute('insert into "identity"."refused_successor" (session_id) values (?)', [session!.session_id]);

    expect(codeOf(await refresh(stack, refreshToken))).toBe('DATABASE_ERROR');

    await em.execute('delete from "identity"."refused_successor"');
    // More than the concurrent-use window later: a spent token would now count as reuse and end the session.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const retried = await refresh(stack, refreshToken);
    expect(retried.errors).toBeUndefined();
    expect((await meId(stack, retried.data!.refreshToken.accessToken)).id).toBe(signedUp.data!.register.user.id);
    expect((await meId(stack, accessToken)).id).toBe(signedUp.data!.register.user.id);
  });
});
