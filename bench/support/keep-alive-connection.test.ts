import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeepAliveConnection, parseAnswer } from './keep-alive-connection.js';

describe('parseAnswer', () => {
  const answer = (text: string) => parseAnswer(Buffer.from(text, 'utf8'));

  it('reads a body by its Content-Length, and leaves what follows', () => {
    // Bytes, not characters: é is two.
    const exact = 'HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhéllo';
    expect(answer(`${exact}NEXT`)).toEqual({
      answer: { status: 200, body: 'héllo' },
      length: Buffer.byteLength(exact),
      close: false,
    });
  });

  it('waits for the rest of an answer cut anywhere', () => {
    const text = 'HTTP/1.1 401 Unauthorized\r\ncontent-length: 2\r\n\r\n{}';
    for (let cut = 0; cut < text.length; cut += 1) expect(answer(text.slice(0, cut))).toBeUndefined();
    expect(answer(text)?.answer).toEqual({ status: 401, body: '{}' });
  });

  it('joins chunks, and sees Connection: close', () => {
    const text =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\n';
    expect(answer(text)).toEqual({
      answer: { status: 200, body: 'abc0123456789' },
      length: Buffer.byteLength(text),
      close: true,
    });
    expect(answer(text.slice(0, -2))).toBeUndefined();
  });

  it('refuses what is not HTTP', () => {
    expect(() => answer('SSH-2.0-OpenSSH\r\n\r\n')).toThrow('not an HTTP answer');
  });
});

describe('KeepAliveConnection against node:http', () => {
  let server: Server;
  let url: string;
  const sockets = new Set<unknown>();
  beforeAll(async () => {
    server = createServer((req, res) => {
      sockets.add(req.socket);
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        if (req.url === '/chunked') {
          res.write('part one, ');
          res.end('part two');
        } else if (req.url === '/close') {
          res.setHeader('connection', 'close');
          res.end('bye');
        } else {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ method: req.method, path: req.url, type: req.headers['content-type'], body }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the request as specified, many times on one connection', async () => {
    sockets.clear();
    const connection = new KeepAliveConnection({
      method: 'POST',
      url: `${url}/login?x=1`,
      headers: { 'content-type': 'application/json' },
      body: '{"email":"zoë@example.com"}',
    });
    for (let i = 0; i < 5; i += 1) {
      const { status, body } = await connection.send();
      expect(status).toBe(200);
      expect(JSON.parse(body)).toEqual({
        method: 'POST',
        path: '/login?x=1',
        type: 'application/json',
        body: '{"email":"zoë@example.com"}',
      });
    }
    expect(sockets.size).toBe(1);
    connection.close();
  });

  it('reads chunked answers, and opens a new connection after one the server closed', async () => {
    const chunked = new KeepAliveConnection({ url: `${url}/chunked` });
    expect(await chunked.send()).toEqual({ status: 200, body: 'part one, part two' });
    chunked.close();
    sockets.clear();
    const closing = new KeepAliveConnection({ url: `${url}/close` });
    for (let i = 0; i < 3; i += 1) expect(await closing.send()).toEqual({ status: 200, body: 'bye' });
    expect(sockets.size).toBe(3);
    closing.close();
  });

  it('rejects a request whose connection cannot open', async () => {
    const nowhere = new KeepAliveConnection({ url: 'http://127.0.0.1:1/' });
    await expect(nowhere.send()).rejects.toThrow();
  });
});
