import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { isErrorCode } from '../errors/index.js';
import { knownOperationNames } from '../graphql/generated/operation-names.js';
import type { ServiceMetrics } from './metrics.js';

/** The label of every operation whose name is not one of ours (or that has none). */
export const OTHER_OPERATION = 'other';

const known: ReadonlySet<string> = new Set(knownOperationNames);
const apolloCodes: ReadonlySet<string> = new Set(Object.values(ApolloServerErrorCode));

/**
 * A bounded label for an operation name: the checked-in documents (gateway/src/**.graphql and
 * test/operations, listed by codegen) keep theirs; any other name a client may make up is `other`.
 * A subgraph sees the gateway's query-plan names (`Viewer__identity__0`): labelled by the operation
 * they serve. Automatic persisted queries are no closed list (anyone may register one), so they count
 * as what their name is.
 */
export function operationLabel(name: string | null | undefined): string {
  const served = name?.replace(/__[A-Za-z0-9_]+__\d+$/, '');
  return served !== undefined && known.has(served) ? served : OTHER_OPERATION;
}

/** Error codes of our catalog and of Apollo Server; anything else (a bare Error) is reported as INTERNAL. */
function codeLabel(code: unknown): string {
  return isErrorCode(code) || (typeof code === 'string' && apolloCodes.has(code)) ? code : 'INTERNAL';
}

/**
 * Times every GraphQL operation (`membergraph_graphql_operation_duration_seconds`) and counts the
 * errors of its response by code (`membergraph_graphql_operation_errors_total`). Runs for
 * `executeOperation` too, so the REST layer's operations are measured by their names.
 */
export function graphqlMetrics<TContext extends BaseContext>(metrics: ServiceMetrics): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const began = performance.now();
      return {
        async willSendResponse({ operation, operationName, request, errors }) {
          recordOperation(metrics, {
            name: operationName ?? request.operationName,
            type: operation?.operation,
            seconds: (performance.now() - began) / 1000,
            codes: (errors ?? []).map((error) => error.extensions['code']),
          });
        },
      };
    },
  };
}

/** One operation as the metrics see it: its name, type, duration and the codes of its errors. */
export interface OperationRecord {
  readonly name: string | null | undefined;
  readonly type: string | undefined;
  readonly seconds: number;
  readonly codes: readonly unknown[];
}

/** What the plugin records for an operation; operations run without Apollo (single-fetch.ts) record it too. */
export function recordOperation({ service, families }: ServiceMetrics, operation: OperationRecord): void {
  const name = operationLabel(operation.name);
  families.operationDuration.observe(
    { service, operation: name, operation_type: operation.type ?? 'unknown' },
    operation.seconds,
  );
  for (const code of operation.codes) families.operationErrors.inc({ service, operation: name, code: codeLabel(code) });
}
