import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { quoteIdentifier } from '../lib/db/identifier.js';

/**
 * Goal 5's ceiling: the least a password sign-in must do, and nothing more, in one process. Each
 * POST `{ email, password }` reads the account's id and password hash from identity's own table
 * (one prepared statement), verifies the password with identity's own password module (its
 * argon2id parameters and its hash slots), signs an ES256 access token with node:crypto, and stores
 * the SHA-256 of a new refresh token (one prepared insert). No gateway hop, GraphQL, validation,
 * throttle, second factor, event, audit entry, log line or metric. What this process keeps of the
 * argon2id bound is the most any sign-in keeps on the same cores, since ours does all of this and
 * more. Run by the bench as a process of its own:
 * - BARE_PORT: where it listens (127.0.0.1);
 * - BARE_DATABASE_URL: the database holding the accounts;
 * - BARE_ACCOUNTS: the accounts' table (`identity.user_account`: columns id, email, password_hash);
 * - BARE_SESSIONS_SCHEMA: a schema of its own, created if missing, for the refresh tokens it stores;
 * - BARE_PASSWORD_MODULE: the URL of identity's password module (the build's `password.js`).
 */
interface PasswordModule {
  readonly verifyPassword: (passwordHash: string, password: string) => Promise<boolean>;
}

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

/** `"schema"."table"` from `schema.table`, each part quoted as an identifier. */
const quoted = (name: string) => name.split('.').map(quoteIdentifier).join('.');

const ACCESS_TOKEN_SECONDS = 900;
const REFRESH_TOKEN_DAYS = 30;

const { verifyPassword } = (await import(env('BARE_PASSWORD_MODULE'))) as PasswordModule;
const pool = new pg.Pool({ connectionString: env('BARE_DATABASE_URL'), max: 10 });
const sessions = quoted(env('BARE_SESSIONS_SCHEMA'));
await pool.query(`create schema if not exists ${sessions}`);
await pool.query(
  `create table if not exists ${sessions}."refresh_token" (
     id uuid primary key, user_id uuid not null, token_hash bytea not null unique, expires_at timestamptz not null)`,
);
const readAccount = {
  name: 'bare-sign-in-account',
  text: `select id, password_hash from ${quoted(env('BARE_ACCOUNTS'))} where email = $1 limit 1`,
};
const storeRefreshToken = {
  name: 'bare-sign-in-refresh-token',
  text: `insert into ${sessions}."refresh_token" (id, user_id, token_hash, expires_at)
         values ($1, $2, $3, now() + make_interval(days => ${REFRESH_TOKEN_DAYS}))`,
};
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyId = randomUUID();

const base64url = (json: object) => Buffer.from(JSON.stringify(json)).toString('base64url');

function accessToken(subject: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url({ alg: 'ES256', kid: keyId, typ: 'at+jwt' });
  const claims = base64url({ sub: subject, iat: now, exp: now + ACCESS_TOKEN_SECONDS, jti: randomUUID() });
  const signingInput = `${header}.${claims}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

interface Credentials {
  readonly email: string;
  readonly password: string;
}

function credentialsOf(body: string): Credentials | undefined {
  try {
    const { email, password } = JSON.parse(body) as Partial<Credentials>;
    return typeof email === 'string' && typeof password === 'string' ? { email, password } : undefined;
  } catch {
    return undefined;
  }
}

async function signIn(body: string): Promise<[number, object]> {
  const credentials = credentialsOf(body);
  if (!credentials) return [400, { error: 'invalid_request' }];
  const { rows } = await pool.query<{ id: string; password_hash: string | null }>({
    ...readAccount,
    values: [credentials.email],
  });
  const account = rows[0];
  if (!account?.password_hash || !(await verifyPassword(account.password_hash, credentials.password))) {
    return [401, { error: 'invalid_credentials' }];
  }
  const refreshToken = randomBytes(32).toString('base64url');
  const tokenHash = createHash('sha256').update(refreshToken).digest();
  await pool.query({ ...storeRefreshToken, values: [randomUUID(), account.id, tokenHash] });
  return [
    200,
    {
      access_token: accessToken(account.id),
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_SECONDS,
      refresh_token: refreshToken,
    },
  ];
}

function answer(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    signIn(Buffer.concat(chunks).toString('utf8')).then(
      ([status, body]) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
    );
  });
}

const server = createServer(answer);
server.listen(Number(env('BARE_PORT')), '127.0.0.1', () => {
  console.log(`bare sign-in at http://127.0.0.1:${process.env['BARE_PORT']}`);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end();
});
