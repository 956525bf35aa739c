/**
 * PostgreSQL refuses NUL (U+0000) in text, and an unpaired UTF-16 surrogate has no UTF-8 form at
 * all (the driver would quietly store U+FFFD instead). A client string holding either would end as
 * a database error (500) or as a silently altered value, so the gateway refuses it at the edge as
 * the client's mistake, wherever it comes: body, query string, path, GraphQL literal or variable.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

/** Arrays and plain objects are a request's data; class instances (an upload stream) are not text. */
function isPlainData(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

interface Visit {
  readonly value: unknown;
  readonly key: string | number | undefined;
  readonly parent: Visit | undefined;
}

function pathOf(visit: Visit): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * Where in a parsed request value (JSON, query, params, GraphQL variables) the first string or
 * object key that cannot be stored is; undefined when there is none. Iterative, so a deeply nested
 * body cannot overflow the stack, and paths are built only for the one reported.
 */
export function findUnstorableText(value: unknown): (string | number)[] | undefined {
  const pending: Visit[] = [{ value, key: undefined, parent: undefined }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    const current = visit.value;
    if (typeof current === 'string') {
      if (!isStorableText(current)) return pathOf(visit);
      continue;
    }
    if (typeof current !== 'object' || current === null || !isPlainData(current)) continue;
    const entries: [string | number, unknown][] = Array.isArray(current)
      ? current.map((item, index) => [index, item])
      : Object.entries(current);
    // Reversed onto the stack, so the first problem in document order is the one reported.
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const [key, item] = entries[i]!;
      if (typeof key === 'string' && !isStorableText(key)) return [...pathOf(visit), key];
      pending.push({ value: item, key, parent: visit });
    }
  }
  return undefined;
}
