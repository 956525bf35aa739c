/**
 * The malformed requests of route-fuzz.test.ts, derived deterministically (no randomness) from the
 * OpenAPI document the gateway serves: for every operation, its path parameters, query parameters
 * and body fields each get the same list of bad values, plus requests whose body cannot be read at
 * all. Everything else in a probe is valid, so each probe is wrong in exactly one place.
 */

/** The subset of JSON Schema that zod's toJSONSchema emits for our routes. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly format?: string;
  readonly pattern?: string;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
}

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly schema: JsonSchema;
}

export interface OpenApiOperation {
  readonly security: readonly Readonly<Record<string, readonly string[]>>[];
  readonly parameters: readonly OpenApiParameter[];
  readonly requestBody?: { readonly content: Readonly<Record<string, { readonly schema: JsonSchema }>> };
}

export type OpenApiDocument = {
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
};

export type Dialect = 'internal' | 'member' | 'oauth' | 'graphql' | 'token' | 'page';

export interface Probe {
  /** `METHOD /path: what is wrong`, for failure messages. */
  readonly label: string;
  readonly method: string;
  /** Sent as is: already %-encoded, malformations included. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  readonly dialect: Dialect;
  /**
   * `refused`: the input is malformed whatever the route does, so a 4xx is due. `odd`: a value a
   * route may well accept (a number as a free-text string), so only "below 500, in the dialect".
   */
  readonly expect: 'refused' | 'odd';
}

/** The values each route's own ids take in the probes (the fixtures of the test). */
export interface ProbeFixtures {
  readonly credentials: (path: string, operation: OpenApiOperation) => Readonly<Record<string, string>>;
  readonly pathValue: (name: string, schema: JsonSchema) => string;
}

export const FUZZ_UUID = '00000000-0000-4000-8000-000000000000';
const LONG_QUERY = 'x'.repeat(4_000);
const LONG_BODY = 'x'.repeat(70_000);
const NESTING = 10_000;
/** The REST layer's JSON limit is 1 MB. */
export const OVER_REST_LIMIT = 1024 * 1024 + 1024;

/** Which legacy dialect a path speaks (seed 000, 003, 004). */
export function dialectOf(path: string): Dialect {
  if (path.startsWith('/internal')) return 'internal';
  if (path.startsWith('/api/v1/members')) return 'member';
  return 'oauth';
}

function typesOf(schema: JsonSchema): string[] {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.flatMap(typesOf);
  if (schema.enum) return [...new Set(schema.enum.map((v) => (v === null ? 'null' : typeof v)))];
  if (schema.type === undefined) return [];
  return typeof schema.type === 'string' ? [schema.type] : [...schema.type];
}

function nonNull(schema: JsonSchema): JsonSchema {
  const variants = schema.anyOf ?? schema.oneOf;
  return variants?.find((v) => !typesOf(v).every((t) => t === 'null')) ?? schema;
}

/** A value the schema accepts, so that a probe is wrong only where it means to be. */
export function validSample(schema: JsonSchema, name: string): unknown {
  const own = nonNull(schema);
  if (own.const !== undefined) return own.const;
  if (own.enum) return own.enum[0];
  switch (typesOf(own)[0]) {
    case 'object':
      return Object.fromEntries(
        (own.required ?? []).map((key) => [key, validSample(own.properties?.[key] ?? {}, key)]),
      );
    case 'array':
      return [];
    case 'boolean':
      return true;
    case 'integer':
    case 'number':
      return own.minimum ?? 1;
    default:
      if (own.format === 'uuid') return FUZZ_UUID;
      if (own.format === 'email' || /email/i.test(name)) return 'fuzz@example.com';
      if (own.format === 'date-time') return '2026-01-01T00:00:00Z';
      if (own.pattern && /\\d/.test(own.pattern)) return '123456';
      return 'fuzz';
  }
}

/** Values of the wrong JSON type for this schema, one per type it does not take. */
function wrongTypes(schema: JsonSchema): [string, unknown][] {
  const accepted = new Set(typesOf(schema));
  const candidates: [string, string, unknown][] = [
    ['string', 'a string', 'fuzz'],
    ['number', 'a number', 12345],
    ['boolean', 'a boolean', true],
    ['array', 'an array', ['fuzz']],
    ['object', 'an object', { fuzz: 'fuzz' }],
  ];
  return candidates
    .filter(([type]) => !accepted.has(type) && !(type === 'number' && accepted.has('integer')))
    .map(([, label, value]) => [`${label} instead`, value]);
}

interface BodyValue {
  readonly what: string;
  readonly value: unknown;
  readonly expect: Probe['expect'];
}

/** The bad values of one body field; strings the database cannot store are refused whatever the type. */
function badBodyValues(schema: JsonSchema): BodyValue[] {
  const types = typesOf(schema);
  const takesString = types.includes('string');
  const bounded = nonNull(schema).maxLength !== undefined || nonNull(schema).enum !== undefined;
  const values: BodyValue[] = [
    ...wrongTypes(schema).map(([what, value]) => ({ what, value, expect: 'refused' as const })),
    { what: 'a NUL character', value: 'fuzz\u0000nul', expect: 'refused' },
    { what: 'a lone high surrogate', value: 'fuzz\ud800', expect: 'refused' },
    { what: 'a lone low surrogate', value: '\udc00fuzz', expect: 'refused' },
    { what: 'a 70,000-character string', value: LONG_BODY, expect: takesString && !bounded ? 'odd' : 'refused' },
    { what: 'a huge number', value: 1e21, expect: 'refused' },
    { what: 'a negative number', value: -1, expect: 'refused' },
  ];
  if (types.includes('array')) {
    values.push({ what: 'a NUL inside an array', value: ['fuzz\u0000'], expect: 'refused' });
  }
  return values;
}

const DEEP = '__deeply_nested__';

function jsonBody(value: unknown): string {
  return JSON.stringify(value).replace(`"${DEEP}"`, `${'['.repeat(NESTING)}${']'.repeat(NESTING)}`);
}

function queryString(entries: readonly (readonly [string, string])[]): string {
  return entries.length === 0 ? '' : `?${entries.map(([k, v]) => `${k}=${v}`).join('&')}`;
}

/** Every probe of one operation of the OpenAPI document. */
export function probesFor(
  templatePath: string,
  method: string,
  operation: OpenApiOperation,
  fixtures: ProbeFixtures,
): Probe[] {
  const dialect = dialectOf(templatePath);
  const verb = method.toUpperCase();
  const auth = fixtures.credentials(templatePath, operation);
  const pathParameters = operation.parameters.filter((p) => p.in === 'path');
  const queryParameters = operation.parameters.filter((p) => p.in === 'query');
  const bodySchema = operation.requestBody?.content['application/json']?.schema;
  const validPath = (override?: { name: string; raw: string }) =>
    templatePath.replace(/\{([A-Za-z0-9_]+)\}/g, (_match, name: string) =>
      override?.name === name
        ? override.raw
        : encodeURIComponent(fixtures.pathValue(name, pathParameters.find((p) => p.name === name)?.schema ?? {})),
    );
  const json = { ...auth, 'content-type': 'application/json' };
  const probes: Probe[] = [];
  const add = (what: string, probe: Omit<Probe, 'label' | 'dialect' | 'method'>) =>
    probes.push({ label: `${verb} ${templatePath}: ${what}`, method: verb, dialect, ...probe });

  // Path parameters: decoded by the router, validated by the route.
  for (const parameter of pathParameters) {
    const bounded = parameter.schema.format === 'uuid' || parameter.schema.maxLength !== undefined;
    const cases: [string, string, Probe['expect']][] = [
      ['%00', 'a NUL character', 'refused'],
      ['%ED%A0%80', 'an encoded lone surrogate', 'refused'],
      ['%E0%A4%A', 'broken %-encoding', 'refused'],
      [LONG_QUERY, 'a 4,000-character value', bounded ? 'refused' : 'odd'],
      ['99999999999', 'a huge number', parameter.schema.format === 'uuid' ? 'refused' : 'odd'],
      ['-1', 'a negative number', parameter.schema.format === 'uuid' ? 'refused' : 'odd'],
    ];
    for (const [raw, what, expect] of cases) {
      add(`path ${parameter.name} is ${what}`, {
        path: validPath({ name: parameter.name, raw }),
        headers: auth,
        expect,
      });
    }
  }

  // Query parameters: one wrong at a time, the rest left out (all are optional or defaulted).
  for (const parameter of queryParameters) {
    const numeric = typesOf(parameter.schema).some((t) => t === 'integer' || t === 'number');
    const bounded = numeric || parameter.schema.maxLength !== undefined || parameter.schema.format !== undefined;
    const strict = numeric || parameter.schema.enum !== undefined || parameter.schema.format !== undefined;
    const cases: [string, string, Probe['expect']][] = [
      ['%00', 'a NUL character', 'refused'],
      ['fuzz%00', 'a trailing NUL character', 'refused'],
      ['%ED%A0%80', 'an encoded lone surrogate', strict ? 'refused' : 'odd'],
      ['%E0%A4%A', 'broken %-encoding', strict ? 'refused' : 'odd'],
      [LONG_QUERY, 'a 4,000-character value', bounded ? 'refused' : 'odd'],
      ['99999999999', 'a number beyond 32 bits', numeric || strict ? 'refused' : 'odd'],
      ['-1', 'a negative number', parameter.schema.enum || parameter.schema.format ? 'refused' : 'odd'],
      ['1e999', 'an infinite number', strict ? 'refused' : 'odd'],
      [`x&${parameter.name}=y`, 'repeated', 'refused'],
    ];
    for (const [raw, what, expect] of cases) {
      // A negative page, limit or offset is out of every documented range.
      const due = numeric && what === 'a negative number' ? 'refused' : expect;
      add(`query ${parameter.name} is ${what}`, {
        path: `${validPath()}${queryString([[parameter.name, raw]])}`,
        headers: auth,
        expect: due,
      });
    }
  }

  // Body fields: a valid body (required fields only) with one field replaced.
  if (bodySchema) {
    const base = validSample(bodySchema, 'body') as Record<string, unknown>;
    const fields = Object.entries(nonNull(bodySchema).properties ?? {});
    for (const [name, schema] of fields) {
      for (const bad of badBodyValues(schema)) {
        add(`body ${name} is ${bad.what}`, {
          path: validPath(),
          headers: json,
          body: jsonBody({ ...base, [name]: bad.value }),
          expect: bad.expect,
        });
      }
      // One level down (an application's theme): each of its fields wrong in turn.
      for (const [inner, innerSchema] of Object.entries(nonNull(schema).properties ?? {})) {
        for (const bad of badBodyValues(innerSchema)) {
          add(`body ${name}.${inner} is ${bad.what}`, {
            path: validPath(),
            headers: json,
            body: jsonBody({ ...base, [name]: { [inner]: bad.value } }),
            expect: bad.expect,
          });
        }
      }
    }
    const [first] = fields;
    if (first) {
      add(`body ${first[0]} is nested ${NESTING} arrays deep`, {
        path: validPath(),
        headers: json,
        body: jsonBody({ ...base, [first[0]]: DEEP }),
        expect: 'refused',
      });
    }
    add('body is an array', { path: validPath(), headers: json, body: '[]', expect: 'refused' });
    add('body is an array of the valid body', {
      path: validPath(),
      headers: json,
      body: JSON.stringify([base]),
      expect: 'refused',
    });
  }

  // Bodies that cannot be read at all: refused before the route runs, whatever it declares.
  const unreadable: [string, Record<string, string>, string | Buffer][] = [
    ['malformed JSON', {}, '{"fuzz": '],
    ['a bare JSON string', {}, '"fuzz"'],
    ['JSON in latin9', { 'content-type': 'application/json; charset=latin9' }, '{}'],
    ['JSON in UTF-16', { 'content-type': 'application/json; charset=utf-16' }, Buffer.from('{}', 'utf16le')],
    ['gzip that is not gzip', { 'content-encoding': 'gzip' }, '{"fuzz": 1}'],
    ['brotli that is not brotli', { 'content-encoding': 'br' }, '{"fuzz": 1}'],
    ['an unknown Content-Encoding', { 'content-encoding': 'x-unknown' }, '{}'],
    ['over the size limit', {}, JSON.stringify({ fuzz: 'x'.repeat(OVER_REST_LIMIT) })],
  ];
  for (const [what, headers, body] of unreadable) {
    add(`body is ${what}`, { path: validPath(), headers: { ...json, ...headers }, body, expect: 'refused' });
  }
  add('an undeclared query parameter holds a NUL character', {
    path: `${validPath()}?fuzz=%00`,
    headers: auth,
    expect: 'refused',
  });
  add('broken %-encoding after the path', { path: `${validPath()}/%E0%A4%A`, headers: auth, expect: 'refused' });
  return probes;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keysAre(value: Record<string, unknown>, keys: readonly string[]): boolean {
  return JSON.stringify(Object.keys(value).sort()) === JSON.stringify([...keys].sort());
}

/** Whether a refusal's body is in the dialect's error shape (seed 000, 003, 004, GraphQL, RFC 6749). */
export function isErrorShape(dialect: Exclude<Dialect, 'page'>, body: unknown): boolean {
  if (!isRecord(body)) return false;
  switch (dialect) {
    case 'internal':
      return keysAre(body, ['detail']) && (typeof body['detail'] === 'string' || Array.isArray(body['detail']));
    case 'member':
      return keysAre(body, ['code', 'message']) && typeof body['code'] === 'number' && body['code'] !== 102000;
    case 'oauth':
      return (
        keysAre(body, ['error', 'message', 'details']) &&
        typeof body['error'] === 'string' &&
        typeof body['message'] === 'string' &&
        isRecord(body['details'])
      );
    case 'token':
      return typeof body['error'] === 'string' && typeof body['error_description'] === 'string';
    case 'graphql': {
      const errors = body['errors'];
      return (
        Array.isArray(errors) &&
        errors.length > 0 &&
        errors.every(
          (e) =>
            isRecord(e) &&
            typeof e['message'] === 'string' &&
            isRecord(e['extensions']) &&
            typeof e['extensions']['code'] === 'string',
        )
      );
    }
  }
}
