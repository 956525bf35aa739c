import { once } from 'node:events';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { createServer, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleUncaughtError } from '../../lib/errors/uncaught.js';
import { runInRequestScope } from '../../lib/http/request-scope.js';
import { createLogger } from '../../lib/logging/logger.js';
import type { TestStack, TestUser } from '../support/stack.js';
import { startOAuthStack } from '../rest/oauth-client.js';
import { png } from '../rest/picture-fixtures.js';

/**
 * Security findings 1 and 4: no malformed multipart body can end the process (each is that request's
 * 4xx, in seed 004's shape), and a request answered before its body was read never stalls the
 * keep-alive connection it came on.
 */
let stack: TestStack;
let user: TestUser;
let port: number;
/**
 * Errors nothing caught: each would have ended a real process. Vitest keeps its worker alive and
 * only reports them after the run, so they are collected here, and every test checks the process
 * would still be up: once one happened, every later test fails, as every later request would.
 */
const uncaught: unknown[] = [];
const recordUncaught = (error: unknown) => void uncaught.push(error);
beforeAll(async () => {
  process.on('uncaughtException', recordUncaught);
  process.on('unhandledRejection', recordUncaught);
  stack = await startOAuthStack();
  user = await stack.createUser();
  port = Number(new URL(stack.gatewayUrl).port);
});
afterAll(async () => {
  process.off('uncaughtException', recordUncaught);
  process.off('unhandledRejection', recordUncaught);
  await stack?.stop();
});

/** PROFILE_PICTURE_MAX_BYTES's default: the stack runs with it. */
const MAX_BYTES = 2 * 1024 * 1024;
const UPLOAD_PATH = '/api/v1/users/me/profile-picture';
const CRLF = '\r\n';

interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Parses one HTTP/1.1 answer with a Content-Length (all of the gateway's JSON answers have one). */
function parseAnswer(received: Buffer): RawAnswer | undefined {
  const end = received.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = received.subarray(0, end).toString('latin1').split(CRLF);
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  const length = Number(headers['content-length'] ?? 0);
  if (received.length < end + 4 + length) return undefined;
  const body = received.subarray(end + 4, end + 4 + length).toString('utf8');
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

type Framing = 'length' | 'chunked';

interface RawUpload {
  readonly contentType: string;
  readonly body: Buffer;
  readonly framing?: Framing;
  /** Send only this many bytes of the body (the rest is declared but never sent). */
  readonly sendOnly?: number;
}

function requestHead(upload: RawUpload, framing: Framing): string {
  return [
    `POST ${UPLOAD_PATH} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    `Authorization: Bearer ${user.token}`,
    `Content-Type: ${upload.contentType}`,
    framing === 'length' ? `Content-Length: ${upload.body.length}` : 'Transfer-Encoding: chunked',
    'Connection: close',
    '',
    '',
  ].join(CRLF);
}

/**
 * One request on its own connection, written byte for byte (fetch cannot send a broken form), and
 * its answer, which must come within a few seconds.
 */
async function sendRaw(upload: RawUpload): Promise<RawAnswer> {
  const framing = upload.framing ?? 'length';
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const received: Buffer[] = [];
  const answered = new Promise<RawAnswer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5_000);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      const answer = parseAnswer(Buffer.concat(received));
      if (answer) {
        clearTimeout(timer);
        resolve(answer);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new Error(`connection closed without a full answer: ${Buffer.concat(received).toString('latin1')}`));
    });
  });
  // The server may answer and close before everything is written; that is what is being tested.
  socket.on('error', () => undefined);
  const body = upload.sendOnly === undefined ? upload.body : upload.body.subarray(0, upload.sendOnly);
  socket.write(requestHead(upload, framing));
  if (framing === 'length') socket.write(body);
  else {
    if (body.length > 0)
      socket.write(Buffer.concat([Buffer.from(`${body.length.toString(16)}${CRLF}`), body, Buffer.from(CRLF)]));
    if (upload.sendOnly === undefined) socket.write(`0${CRLF}${CRLF}`);
  }
  try {
    return await answered;
  } finally {
    socket.destroy();
  }
}

const BOUNDARY = 'XX';
const formType = (boundary = BOUNDARY) => `multipart/form-data; boundary=${boundary}`;

/** A multipart part: its headers, then its bytes. */
function part(headers: string, bytes: Buffer | string = ''): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}${CRLF}${headers}${CRLF}${CRLF}`),
    Buffer.from(bytes),
    Buffer.from(CRLF),
  ]);
}
const filePart = (name: string, bytes: Buffer | string, filename = 'a.png') =>
  part(`Content-Disposition: form-data; name="${name}"; filename="${filename}"${CRLF}Content-Type: image/png`, bytes);
const fieldPart = (name: string, value: Buffer | string) =>
  part(`Content-Disposition: form-data; name="${name}"`, value);
const closing = Buffer.from(`--${BOUNDARY}--${CRLF}`);
const form = (...parts: Buffer[]) => Buffer.concat([...parts, closing]);

/** The finding's own body: a file part whose bytes stop before the closing boundary. */
const truncatedMidFile = Buffer.from(
  `--${BOUNDARY}${CRLF}Content-Disposition: form-data; name="file"; filename="a.png"${CRLF}${CRLF}\x89PNG`,
  'latin1',
);
/** busboy refuses a part header block over 16 KiB as malformed. */
const oversizedPartHeader = form(
  part(
    `Content-Disposition: form-data; name="file"; filename="a.png"${CRLF}X-Padding: ${'a'.repeat(20 * 1024)}`,
    png(),
  ),
);

const unprocessable = { status: 422, error: 'validation_failed' };
const tooLarge = { status: 413, error: 'payload_too_large' };

interface MalformedCase {
  readonly name: string;
  readonly upload: RawUpload;
  readonly expected: { readonly status: number; readonly error: string };
}

const malformed: readonly MalformedCase[] = [
  {
    name: 'a body cut off mid-file',
    upload: { contentType: formType(), body: truncatedMidFile },
    expected: unprocessable,
  },
  {
    name: 'a chunked body cut off mid-file',
    upload: { contentType: formType(), body: truncatedMidFile, framing: 'chunked' },
    expected: unprocessable,
  },
  {
    name: 'a body cut off after the whole file, before the closing boundary',
    upload: { contentType: formType(), body: filePart('file', png()) },
    expected: unprocessable,
  },
  {
    name: 'a body cut off in the part headers',
    upload: { contentType: formType(), body: Buffer.from(`--${BOUNDARY}${CRLF}Content-Disposition: form-da`) },
    expected: unprocessable,
  },
  {
    name: 'a body of the opening boundary alone',
    upload: { contentType: formType(), body: Buffer.from(`--${BOUNDARY}${CRLF}`) },
    expected: unprocessable,
  },
  {
    name: 'no boundary parameter',
    upload: { contentType: 'multipart/form-data', body: form(filePart('file', png())) },
    expected: unprocessable,
  },
  {
    name: 'an empty boundary parameter',
    upload: { contentType: 'multipart/form-data; boundary=', body: form(filePart('file', png())) },
    expected: unprocessable,
  },
  {
    name: 'a boundary that the body never uses',
    upload: { contentType: formType('YY'), body: form(filePart('file', png())) },
    expected: unprocessable,
  },
  {
    name: 'a part header block over busboy’s limit',
    upload: { contentType: formType(), body: oversizedPartHeader },
    expected: unprocessable,
  },
  {
    name: 'a part header line that is not a header',
    upload: { contentType: formType(), body: form(part('this is not a header', png())) },
    expected: unprocessable,
  },
  {
    name: 'two file parts, neither named file',
    upload: { contentType: formType(), body: form(filePart('a', png()), filePart('b', png())) },
    expected: unprocessable,
  },
  {
    name: 'an empty file',
    upload: { contentType: formType(), body: form(filePart('file', '')) },
    expected: unprocessable,
  },
  {
    name: 'the picture as a plain field named file (no filename)',
    upload: { contentType: formType(), body: form(fieldPart('file', png())) },
    expected: unprocessable,
  },
  {
    name: 'a file part that is not an image',
    upload: { contentType: formType(), body: form(filePart('file', 'GIF89a not really')) },
    expected: unprocessable,
  },
  {
    name: 'more parts than the form may have',
    upload: {
      contentType: formType(),
      body: form(filePart('file', png()), ...Array.from({ length: 30 }, (_, i) => fieldPart(`f${i}`, 'x'))),
    },
    expected: unprocessable,
  },
  {
    name: 'more files than the form may have',
    upload: {
      contentType: formType(),
      body: form(filePart('file', png()), ...Array.from({ length: 6 }, (_, i) => filePart(`f${i}`, png()))),
    },
    expected: unprocessable,
  },
  {
    name: 'a field only',
    upload: { contentType: formType(), body: form(fieldPart('note', 'hello')) },
    expected: unprocessable,
  },
  {
    name: 'a field over the field size limit, and no file',
    upload: { contentType: formType(), body: form(fieldPart('note', 'x'.repeat(64 * 1024))) },
    expected: unprocessable,
  },
  {
    name: 'a huge field with a Content-Length (refused before reading)',
    upload: {
      contentType: formType(),
      body: form(fieldPart('note', Buffer.alloc(MAX_BYTES + 256 * 1024, 0x78))),
      sendOnly: 1024,
    },
    expected: tooLarge,
  },
  {
    name: 'a huge chunked field (refused while reading)',
    upload: {
      contentType: formType(),
      body: form(fieldPart('note', Buffer.alloc(MAX_BYTES + 256 * 1024, 0x78))),
      framing: 'chunked',
    },
    expected: tooLarge,
  },
  {
    name: 'garbage bytes',
    upload: { contentType: formType(), body: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)) },
    expected: unprocessable,
  },
  { name: 'an empty body', upload: { contentType: formType(), body: Buffer.alloc(0) }, expected: unprocessable },
  {
    name: 'a multipart body with a JSON content type',
    upload: { contentType: 'application/json', body: form(filePart('file', png())) },
    expected: unprocessable,
  },
];

/** The process still answers, and nothing has been thrown out of its event loop so far. */
async function expectStillUp() {
  // busboy's late errors come when the request ends, after the answer: give them their turn.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const health = await fetch(`${stack.gatewayUrl}/health`, { signal: AbortSignal.timeout(2_000) });
  expect(health.status).toBe(200);
  expect(uncaught, 'an error nothing caught, which would have ended the process').toEqual([]);
}

async function uploadPicture(bytes: Buffer) {
  const body = new FormData();
  body.append('file', new Blob([bytes], { type: 'image/png' }), 'picture.png');
  const response = await fetch(`${stack.gatewayUrl}${UPLOAD_PATH}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}` },
    body,
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('a malformed multipart upload is its own 4xx, never the end of the process', () => {
  it.each(malformed)('answers $name with $expected.status in the seed 004 shape', async ({ upload, expected }) => {
    const answer = await sendRaw(upload);
    expect({ status: answer.status, body: JSON.parse(answer.body) as unknown }).toEqual({
      status: expected.status,
      body: { error: expected.error, message: expect.any(String) as string, details: expect.any(Object) as object },
    });
    await expectStillUp();
  });

  it('lives on when the client disconnects mid-upload', async () => {
    const picture = png([1, 2, 3], 256 * 1024);
    for (const framing of ['length', 'chunked'] as const) {
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.on('error', () => undefined);
      socket.write(requestHead({ contentType: formType(), body: form(filePart('file', picture)) }, framing));
      const half = filePart('file', picture).subarray(0, 128 * 1024);
      socket.write(
        framing === 'length' ? half : Buffer.concat([Buffer.from(`${half.length.toString(16)}${CRLF}`), half]),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expectStillUp();
  });

  it('still takes a well-formed picture afterwards', async () => {
    const picture = png([40, 50, 60]);
    const answer = await uploadPicture(picture);
    expect(answer.status).toBe(200);
    expect(answer.body['profile_picture']).toEqual(expect.stringContaining(`/media/profile-pictures/${user.id}/`));
    await expectStillUp();
  });
});

/** A pool of one keep-alive connection, as a reverse proxy keeps to its upstream. */
function keepAlivePool() {
  return new Agent({ keepAlive: true, maxSockets: 1 });
}

interface PooledAnswer {
  readonly status: number;
  readonly connection: string | undefined;
  readonly body: string;
}

async function collect(response: IncomingMessage): Promise<PooledAnswer> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return {
    status: response.statusCode ?? 0,
    connection: response.headers.connection,
    body: Buffer.concat(chunks).toString(),
  };
}

/**
 * Starts a POST on the pool (chunked, or with the Content-Length of all `chunks`), writes `chunks`
 * without ending the body, and resolves with the answer, which must come before the body ends; the
 * body is ended after it, as a proxy relaying a client would.
 */
async function refusedOnPool(
  pool: Agent,
  path: string,
  contentType: string,
  chunks: readonly Buffer[],
  framing: Framing = 'chunked',
): Promise<PooledAnswer> {
  const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    path,
    method: 'POST',
    agent: pool,
    headers: {
      authorization: `Bearer ${user.token}`,
      'content-type': contentType,
      ...(framing === 'chunked' ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(length) }),
    },
  });
  // Writing after the server closed is expected once it refused; the answer is what counts.
  req.on('error', () => undefined);
  const response = new Promise<IncomingMessage>((resolve) => req.once('response', resolve));
  for (const chunk of chunks) req.write(chunk);
  const answered = await Promise.race([
    response,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('refusal not answered within 3 s')), 3_000)),
  ]);
  const answer = await collect(answered);
  req.end();
  return answer;
}

/** The next request on the same pool: answered within two seconds, whichever socket it gets. */
async function nextOnPool(pool: Agent): Promise<number> {
  const req = httpRequest({ host: '127.0.0.1', port, path: '/health', agent: pool, timeout: 2_000 });
  const answered = new Promise<number>((resolve, reject) => {
    req.once('response', (response) => {
      void collect(response).then((answer) => resolve(answer.status), reject);
    });
    req.once('timeout', () => reject(new Error('the next request on the pool got no answer within 2 s')));
    req.once('error', reject);
  });
  req.end();
  try {
    return await answered;
  } finally {
    req.destroy();
  }
}

describe('a request answered before its body was read does not stall its keep-alive connection', () => {
  it('a picture read to its end keeps the connection alive for the next request', async () => {
    const pool = keepAlivePool();
    try {
      const body = form(filePart('file', png([70, 80, 90])));
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        path: UPLOAD_PATH,
        method: 'POST',
        agent: pool,
        headers: { authorization: `Bearer ${user.token}`, 'content-type': formType(), 'content-length': body.length },
      });
      const response = new Promise<IncomingMessage>((resolve) => req.once('response', resolve));
      req.end(body);
      const stored = await collect(await response);
      expect(stored.status).toBe(200);
      expect(stored.connection).toBe('keep-alive');

      const next = httpRequest({ host: '127.0.0.1', port, path: '/health', agent: pool });
      const nextResponse = new Promise<IncomingMessage>((resolve) => next.once('response', resolve));
      next.end();
      expect((await collect(await nextResponse)).status).toBe(200);
      expect(next.reusedSocket).toBe(true);
      await expectStillUp();
    } finally {
      pool.destroy();
    }
  });

  it('422 for a part header over busboy’s limit: the next request on the pool is answered', async () => {
    const pool = keepAlivePool();
    try {
      // With a Content-Length: the framing in which the finding's connection stalled for 66 s.
      const refused = await refusedOnPool(
        pool,
        UPLOAD_PATH,
        formType(),
        [oversizedPartHeader, Buffer.alloc(1024 * 1024, 0x61)],
        'length',
      );
      expect(refused.status).toBe(422);
      expect(await nextOnPool(pool)).toBe(200);
      expect(refused.connection).toBe('close');
      await expectStillUp();
    } finally {
      pool.destroy();
    }
  });

  it('413 for a chunked picture over PROFILE_PICTURE_MAX_BYTES: the next request on the pool is answered', async () => {
    const pool = keepAlivePool();
    try {
      const head = Buffer.from(
        `--${BOUNDARY}${CRLF}Content-Disposition: form-data; name="file"; filename="a.png"${CRLF}${CRLF}`,
      );
      const refused = await refusedOnPool(pool, UPLOAD_PATH, formType(), [head, png([1, 1, 1], MAX_BYTES + 64 * 1024)]);
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.body)).toMatchObject({ error: 'payload_too_large' });
      expect(await nextOnPool(pool)).toBe(200);
      expect(refused.connection).toBe('close');
      await expectStillUp();
    } finally {
      pool.destroy();
    }
  });

  it('413 for a chunked /graphql body over its limit, answered before the body ends: the next request is answered', async () => {
    const pool = keepAlivePool();
    try {
      const over = Buffer.alloc(4 * 1024 * 1024, 0x61);
      const refused = await refusedOnPool(pool, '/graphql', 'application/json', [
        Buffer.from('{"query":"{ __typename }","variables":{"pad":"'),
        over,
      ]);
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.body)).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
      expect(await nextOnPool(pool)).toBe(200);
      expect(refused.connection).toBe('close');
      await expectStillUp();
    } finally {
      pool.destroy();
    }
  });
});

describe('the process-level net for an error nothing caught', () => {
  /** A real logger whose lines are kept, and an exit that only records its code. */
  function harness() {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ logLevel: 'info' }, 'test', {
      write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
    });
    const exits: number[] = [];
    return { lines, deps: { logger, exit: (code: number) => void exits.push(code) }, exits };
  }

  it('fails only the request it happened in: logged with its request id, answered 500, no exit', async () => {
    const { lines, deps, exits } = harness();
    const server = createServer((_req, res: ServerResponse) => {
      runInRequestScope({ requestId: 'req-uncaught-1', res }, () => {
        // As an emitter without an error listener would: thrown later, in the request's async chain.
        setImmediate(() => handleUncaughtError(new Error('boom'), 'uncaughtException', deps));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const address = server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${address.port}/`, { signal: AbortSignal.timeout(2_000) });
      expect(response.status).toBe(500);
      expect(response.headers.get('connection')).toBe('close');
      expect(await response.json()).toEqual({ error: 'internal', message: 'Internal error', details: {} });
      expect(exits).toEqual([]);
      expect(lines).toEqual([
        expect.objectContaining({ level: 50, requestId: 'req-uncaught-1', origin: 'uncaughtException' }),
      ]);
    } finally {
      server.close();
    }
  });

  it('outside any request: logged as fatal, and the process exits', () => {
    const { lines, deps, exits } = harness();
    handleUncaughtError(new Error('boom'), 'uncaughtException', deps);
    expect(exits).toEqual([1]);
    expect(lines).toEqual([expect.objectContaining({ level: 60, origin: 'uncaughtException' })]);
  });
});
