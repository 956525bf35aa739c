import { connect, type Socket } from 'node:net';

/** One request of a load: the same bytes every time on its connection. */
export interface HttpRequestSpec {
  readonly method?: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface Answer {
  readonly status: number;
  readonly body: string;
}

/**
 * One HTTP/1.1 keep-alive connection of the bench (its loads and its one-off requests), written on
 * the socket: the request's
 * bytes are built once, and an answer is read by its Content-Length or its chunks. The load
 * generator shares the servers' two cores, so what it spends is taken from them: node:http's client
 * cost about 0.4 ms of CPU per request at a sign-in's pace (one answer per wake-up), this about 0.07 ms.
 * Plain `http:` on loopback only; one request at a time; a broken connection is opened again for the
 * next request.
 */
export class KeepAliveConnection {
  private readonly request: Buffer;
  private socket: Socket | undefined;
  private received: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (answer: Answer) => void; reject: (error: Error) => void } | undefined;

  private readonly url: URL;

  constructor(
    spec: HttpRequestSpec,
    private readonly timeoutMs = 30_000,
  ) {
    const url = new URL(spec.url);
    this.url = url;
    if (url.protocol !== 'http:') throw new Error(`the load generator speaks plain http, not ${url.protocol}`);
    const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
    const method = spec.method ?? (body ? 'POST' : 'GET');
    const headers = Object.entries({ ...spec.headers, ...(body ? { 'content-length': String(body.length) } : {}) })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    const head = `${method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n${headers}\r\n`;
    this.request = body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
  }

  send(): Promise<Answer> {
    if (this.waiting) return Promise.reject(new Error('one request at a time on a connection'));
    return new Promise<Answer>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.open().write(this.request);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private open(): Socket {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = connect(Number(this.url.port || 80), this.url.hostname);
    socket.setNoDelay(true);
    socket.setTimeout(this.timeoutMs, () => socket.destroy(new Error(`no answer within ${this.timeoutMs / 1000} s`)));
    // A connection closed after its last answer still reports its close: only the current one counts.
    socket.on('data', (chunk: Buffer) => this.socket === socket && this.onData(chunk));
    socket.on('error', (error) => this.socket === socket && this.fail(error));
    socket.on('close', () => this.socket === socket && this.fail(new Error('connection closed before the answer')));
    this.received = Buffer.alloc(0);
    this.socket = socket;
    return socket;
  }

  private fail(error: Error): void {
    this.socket = undefined;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }

  private onData(chunk: Buffer): void {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    let parsed: ReturnType<typeof parseAnswer>;
    try {
      parsed = parseAnswer(this.received);
    } catch (error) {
      this.close();
      this.fail(error as Error);
      return;
    }
    if (!parsed) return;
    this.received = this.received.subarray(parsed.length);
    if (parsed.close) this.close();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(parsed.answer);
  }
}

/** A whole answer at the start of `data`, and how many bytes it took; undefined while incomplete. */
export function parseAnswer(data: Buffer): { answer: Answer; length: number; close: boolean } | undefined {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine = '', ...lines] = data.toString('latin1', 0, headEnd).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) throw new Error(`not an HTTP answer: ${statusLine.slice(0, 80)}`);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const close = headers.get('connection')?.toLowerCase() === 'close';
  const bodyStart = headEnd + 4;
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) {
    return { answer: { status, body: '' }, length: bodyStart, close };
  }
  if (headers.get('transfer-encoding')?.toLowerCase().includes('chunked')) {
    const chunks: Buffer[] = [];
    let at = bodyStart;
    for (;;) {
      const lineEnd = data.indexOf('\r\n', at);
      if (lineEnd < 0) return undefined;
      const size = parseInt(data.toString('latin1', at, lineEnd), 16);
      if (Number.isNaN(size)) throw new Error('malformed chunk size');
      if (size === 0) {
        // The last chunk, then (no trailers here) the empty line.
        const end = data.indexOf('\r\n', lineEnd + 2);
        if (end < 0) return undefined;
        return { answer: { status, body: Buffer.concat(chunks).toString('utf8') }, length: end + 2, close };
      }
      if (data.length < lineEnd + 2 + size + 2) return undefined;
      chunks.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  const contentLength = headers.get('content-length');
  if (contentLength === undefined) throw new Error('an answer with neither Content-Length nor chunks');
  const end = bodyStart + Number(contentLength);
  if (data.length < end) return undefined;
  return { answer: { status, body: data.toString('utf8', bodyStart, end) }, length: end, close };
}
