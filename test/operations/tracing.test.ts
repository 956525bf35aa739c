import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViewerDocument } from '../../gateway/src/generated/graphql.js';
import { loadConfig } from '../../lib/config/env.js';
import { startTracing, tracerFor } from '../../lib/observability/tracing.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Issue 14 point 5: W3C trace context in at the gateway, on to every subgraph, and spans exported by
 * OTLP over HTTP, each component under its own `service.name`.
 */

interface ExportedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

interface OtlpAttribute {
  readonly key: string;
  readonly value: { stringValue?: string; intValue?: number | string; boolValue?: boolean };
}
interface OtlpJson {
  readonly resourceSpans: {
    readonly resource: { readonly attributes: OtlpAttribute[] };
    readonly scopeSpans: {
      readonly spans: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        attributes?: OtlpAttribute[];
      }[];
    }[];
  }[];
}

const valueOf = (attribute: OtlpAttribute) =>
  attribute.value.stringValue ?? attribute.value.intValue ?? attribute.value.boolValue;

/** A plain OTLP/HTTP receiver: POST /v1/traces, bodies kept with their content type. */
async function startOtlpReceiver() {
  const requests: { contentType: string; body: Buffer }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        requests.push({ contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    spans(): ExportedSpan[] {
      return requests
        .filter((r) => r.contentType.startsWith('application/json'))
        .flatMap((r) => (JSON.parse(r.body.toString('utf8')) as OtlpJson).resourceSpans)
        .flatMap((resource) => {
          const service = String(
            valueOf(resource.resource.attributes.find((a) => a.key === 'service.name') ?? { key: '', value: {} }),
          );
          return resource.scopeSpans.flatMap((scope) =>
            scope.spans.map((span) => ({
              service,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              name: span.name,
              attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, valueOf(a)])),
            })),
          );
        });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function printTree(spans: readonly ExportedSpan[], parent: string, depth = 0): void {
  for (const span of spans.filter((s) => s.parentSpanId === parent)) {
    process.stdout.write(`${'  '.repeat(depth)}${span.name} [${span.service}]\n`);
    printTree(spans, span.spanId, depth + 1);
  }
}

/** One federated query with a caller's traceparent; every span of its trace, exported as http/json. */
function traceOfOneRequest(subgraphCalls: 'http' | 'in-process') {
  const traceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');
  const trace = { callerSpanId, spans: [] as ExportedSpan[], userId: '' };
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let stack: TestStack;
  let stopped = false;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startTestStack(
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      { subgraphCalls },
    );
    const user = await stack.createUser();
    trace.userId = user.id;
    const answer = await stack.graphql(print(ViewerDocument), {
      token: user.token,
      headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
    });
    expect(answer.errors).toBeUndefined();
    // Stopping exports every buffered span.
    const stopping = stack.stop();
    stopped = true;
    await stopping;
    trace.spans = receiver.spans().filter((span) => span.traceId === traceId);
    if (process.env['PRINT_SPANS']) printTree(trace.spans, callerSpanId);
  }, 60_000);

  afterAll(async () => {
    if (!stopped) await stack?.stop();
    await receiver?.close();
  });

  const children = (parent: ExportedSpan | undefined, name: string | RegExp, service?: string) =>
    trace.spans.filter(
      (span) =>
        span.parentSpanId === parent?.spanId &&
        (typeof name === 'string' ? span.name === name : name.test(span.name)) &&
        (service === undefined || span.service === service),
    );
  const child = (parent: ExportedSpan | undefined, name: string | RegExp, service?: string) =>
    children(parent, name, service)[0];
  /** The gateway's part: its HTTP span, operation span, and its fetch span for a subgraph. */
  const gatewayFetch = (subgraph: string) => {
    const http = trace.spans.find((span) => span.parentSpanId === callerSpanId);
    expect(http).toMatchObject({ service: 'membergraph-gateway', name: 'POST /graphql' });
    const operation = child(http, 'query Viewer');
    expect(operation?.service).toBe('membergraph-gateway');
    const fetch = child(operation, `fetch ${subgraph}`);
    expect(fetch?.service).toBe('membergraph-gateway');
    return fetch;
  };
  const expectSqlUnder = (subgraphOperation: ExportedSpan | undefined) => {
    expect(subgraphOperation?.service).toBe('membergraph-identity');
    const sql = child(subgraphOperation, 'SELECT');
    expect(sql?.service).toBe('membergraph-identity');
    // The statement's text, never its values: the reads of this request are by the caller's id.
    expect(sql?.attributes['db.query.text']).toMatch(/^select /i);
    const texts = trace.spans
      .map((span) => span.attributes['db.query.text'])
      .filter((text): text is string => typeof text === 'string');
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) {
      expect(text).not.toContain(trace.userId);
      expect(text).not.toMatch(/'/);
    }
    expect(sql?.attributes['db.system.name']).toBe('postgresql');
  };
  return { trace, children, child, gatewayFetch, expectSqlUnder };
}

describe('traces of one federated request, subgraphs over HTTP (separate processes)', () => {
  const { trace, children, child, gatewayFetch, expectSqlUnder } = traceOfOneRequest('http');

  it('continues the caller trace id in the gateway and in every subgraph, each under its own service name', () => {
    const services = new Set(trace.spans.map((span) => span.service));
    for (const service of ['gateway', 'identity', 'member', 'catalog', 'admin']) {
      expect(services).toContain(`membergraph-${service}`);
    }
  });

  it('chains HTTP request → GraphQL operation → subgraph fetch → subgraph HTTP → operation → SQL', () => {
    const fetch = gatewayFetch('identity');
    // An automatic persisted query's first request is refused (hash unknown): the retry carries it.
    const subgraphHttp = children(fetch, 'POST /graphql', 'membergraph-identity');
    expect(subgraphHttp.length).toBeGreaterThan(0);
    expectSqlUnder(
      subgraphHttp.map((request) => child(request, /^query Viewer__identity__\d+$/)).find((span) => span !== undefined),
    );
    for (const subgraph of ['member', 'catalog', 'admin']) {
      expect(child(gatewayFetch(subgraph), 'POST /graphql', `membergraph-${subgraph}`)).toBeDefined();
    }
  });
});

describe('traces of one federated request, subgraphs in the same process (npm start)', () => {
  const { trace, children, child, gatewayFetch, expectSqlUnder } = traceOfOneRequest('in-process');

  it('chains HTTP request → GraphQL operation → subgraph fetch → subgraph operation → SQL, with no HTTP between', () => {
    const fetch = gatewayFetch('identity');
    expect(children(fetch, /^POST/)).toEqual([]);
    expectSqlUnder(child(fetch, /^query Viewer__identity__\d+$/, 'membergraph-identity'));
    for (const subgraph of ['member', 'catalog', 'admin']) {
      const fetchOf = gatewayFetch(subgraph);
      expect(child(fetchOf, /^query Viewer__/, `membergraph-${subgraph}`)).toBeDefined();
    }
    expect(
      trace.spans.filter((span) => span.service !== 'membergraph-gateway' && span.name.startsWith('POST')),
    ).toEqual([]);
  });
});

describe('OTLP export settings', () => {
  it('sends http/protobuf by default, to <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const config = loadConfig({ NODE_ENV: 'test', OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.endpoint}/` });
      expect(config.tracing).toEqual({
        endpoint: `${receiver.endpoint}/v1/traces`,
        protocol: 'http/protobuf',
        headers: {},
      });
      const tracing = await startTracing(config.tracing);
      tracerFor('gateway').startSpan('probe').end();
      await tracing.shutdown();
      expect(receiver.requests.map((r) => r.contentType)).toContain('application/x-protobuf');
    } finally {
      await receiver.close();
    }
  });

  it('is off without an endpoint: the no-op tracer records nothing', async () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect(config.tracing).toBeUndefined();
    await startTracing(config.tracing);
    expect(tracerFor('gateway').startSpan('probe').isRecording()).toBe(false);
  });

  it('reads the standard variables: per-signal endpoint as is, headers, disabling, grpc refused', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc, x-tenant=1',
    });
    expect(config.tracing).toEqual({
      endpoint: 'http://traces:4318/custom',
      protocol: 'http/json',
      headers: { authorization: 'Bearer abc', 'x-tenant': '1' },
    });
    expect(
      loadConfig({ NODE_ENV: 'test', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).tracing,
    ).toBeUndefined();
    expect(
      loadConfig({ NODE_ENV: 'test', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' })
        .tracing,
    ).toBeUndefined();
    expect(() => loadConfig({ NODE_ENV: 'test', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL: must be http\/protobuf or http\/json/,
    );
  });
});
