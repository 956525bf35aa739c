import type { Knex } from '@mikro-orm/postgresql';
import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  tracerFor,
  tracingEnabled,
  type Span,
} from '../observability/tracing.js';
import { statementWithoutValues } from './statement-text.js';

/** What knex tells of a statement: its text (values inlined by MikroORM, or placeholders and `bindings`). */
interface QueryEvent {
  readonly sql?: string;
  readonly __knexQueryUid?: string;
}

/** The statement's verb (`SELECT`, `INSERT`...) after any leading comment: a bounded span name. */
function verbOf(sql: string): string {
  const match = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*([a-z]+)/i.exec(sql);
  return match?.[1]?.toUpperCase() ?? 'SQL';
}

/**
 * A CLIENT span per SQL statement inside traced work (a request, a relay batch). Statements with no
 * span around them (background polls) start no trace of their own. Nothing is listened to while
 * tracing is off. The subgraph's schema is named after it (orm.ts).
 */
export function traceStatements(knex: Knex, subgraph: string): void {
  if (!tracingEnabled()) return;
  const tracer = tracerFor(subgraph);
  const open = new Map<string, Span>();
  knex.on('query', (query: QueryEvent) => {
    if (!query.sql || !query.__knexQueryUid || !trace.getSpan(context.active())) return;
    open.set(
      query.__knexQueryUid,
      tracer.startSpan(verbOf(query.sql), {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'postgresql',
          'db.namespace': subgraph,
          'db.query.text': statementWithoutValues(query.sql),
        },
      }),
    );
  });
  const end = (query: QueryEvent | undefined, error?: Error) => {
    const uid = query?.__knexQueryUid;
    const span = uid === undefined ? undefined : open.get(uid);
    if (!span || uid === undefined) return;
    open.delete(uid);
    if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.end();
  };
  knex.on('query-response', (_response: unknown, query: QueryEvent) => end(query));
  knex.on('query-error', (error: Error, query: QueryEvent) => end(query, error));
}
