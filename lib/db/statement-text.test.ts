import { describe, expect, it } from 'vitest';
import { statementWithoutValues } from './statement-text.js';

describe('statementWithoutValues (the SQL text a trace carries)', () => {
  it('replaces the values MikroORM inlines, and keeps identifiers, keywords, comments and placeholders', () => {
    expect(
      statementWithoutValues(
        `/* background */ select "u"."id", a.xmin::text from "identity"."user_account" a ` +
          `where a."email" = 'zoë@example.com' and a.n2 > 42.5 and x is null and y = $1 limit 1`,
      ),
    ).toBe(
      `/* background */ select "u"."id", a.xmin::text from "identity"."user_account" a ` +
        `where a."email" = ? and a.n2 > ? and x is null and y = $1 limit ?`,
    );
  });

  it('covers quotes inside values, escaped strings, bytes, arrays and JSON', () => {
    const sql =
      `insert into "t" ("a", "b", "c", "d", "e") values ('it''s', E'back\\\\slash \\' quote', ` +
      `E'\\\\x0a0b', '{"pwd","otp"}', '{"token":"s3cr3t"}')`;
    const text = statementWithoutValues(sql);
    expect(text).toBe(`insert into "t" ("a", "b", "c", "d", "e") values (?, ?, ?, ?, ?)`);
    for (const secret of ["it''s", 'slash', '0a0b', 'pwd', 's3cr3t']) expect(text).not.toContain(secret);
  });

  it('keeps a double-quoted identifier whole, quotes and digits included', () => {
    expect(statementWithoutValues(`select "col 1", "it's" from "t2" where "x""y" = 7`)).toBe(
      `select "col 1", "it's" from "t2" where "x""y" = ?`,
    );
  });
});
