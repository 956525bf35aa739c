/**
 * A statement's text for a trace, without its values. MikroORM inlines every value into the text it
 * hands knex (`em.execute`, the query builder, the row reader: the platform's formatQuery), so the
 * text knex reports carries e-mail addresses, token hashes and user agents. Each literal becomes `?`:
 * quoted strings (`'…'` with doubled quotes, `E'…'` with backslash escapes, as pg's escapeLiteral
 * writes them) and numbers outside identifiers. Double-quoted identifiers, keywords (null, true),
 * comments and placeholders (`$1`) stay.
 */
const TOKENS =
  /"(?:[^"]|"")*"|\/\*[\s\S]*?\*\/|[eE]'(?:[^'\\]|\\.|'')*'|'(?:[^']|'')*'|\$\d+|[A-Za-z_][\w$]*|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

export function statementWithoutValues(sql: string): string {
  return sql.replace(TOKENS, (token) => {
    const first = token[0]!;
    if (first === "'" || ((first === 'e' || first === 'E') && token[1] === "'")) return '?';
    return first >= '0' && first <= '9' ? '?' : token;
  });
}
