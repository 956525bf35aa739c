import type { Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import {
  getVariableValues,
  GraphQLError,
  Kind,
  parse,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';
import { formatGraphQLError } from '../../../lib/errors/index.js';
import { logIfUnexpected } from '../../../lib/errors/log-plugin.js';
import { findUnstorableText, UNSTORABLE_TEXT_MESSAGE } from '../../../lib/http/storable-text.js';
import type { OperationRecord } from '../../../lib/observability/graphql-metrics.js';
import type { GatewayContext } from '../context.js';
import type { SubgraphFetch, SubgraphResponse } from '../graphql/subgraph-data-source.js';
import type { ExecutionResult } from './execution-result.js';

type ResolvedPlan = Parameters<Experimental_DidResolveQueryPlanCallback>[0];
type PlanNode = NonNullable<ResolvedPlan['queryPlan']['node']>;
type Fragments = Readonly<Record<string, FragmentDefinitionNode>>;

/**
 * An operation of our own whose query plan is one fetch from one subgraph, answered with exactly the
 * fields the operation selects: what the gateway would answer is that subgraph's answer, so it is
 * sent straight there. Apollo Server's pipeline and the plan's executor cost about a quarter of the
 * gateway's CPU per REST request (bench/BASELINE.md); what they do for such an operation is kept:
 * - the checks of its variables (operation-guard.ts, then the gateway's coercion: BAD_USER_INPUT);
 * - the fetch the plan would send (its operation, the variables it uses, its name), through the
 *   same timed and traced fetch;
 * - the subgraph's errors relayed as the gateway relays them (`serviceName` added, DOWNSTREAM_SERVICE_ERROR
 *   when they have no code), then formatted as Apollo Server formats them (formatGraphQLError);
 * - the operation's metrics and the log of an unexpected error (log-plugin.ts).
 */
export interface SingleFetchOperation {
  run(variables: Record<string, unknown>, context: GatewayContext): Promise<ExecutionResult>;
}

export interface SingleFetchOptions {
  /** Each subgraph's fetch, as the query plans call it (timed and traced). */
  readonly fetches: ReadonlyMap<string, SubgraphFetch>;
  /** graphql-metrics.ts: the operation's duration and the codes of its errors. */
  readonly recordOperation: (record: OperationRecord) => void;
}

/**
 * Learns, from the plans the gateway makes, which of the operations run in-process need only one
 * fetch. An operation is looked at the first time it runs (through Apollo, which plans it); from then
 * on `lookup` answers for it. Only texts announced by `expect` are kept: the REST layer's documents,
 * a closed set, never a client's. The supergraph is fixed for the life of the process (server.ts
 * reads it once), so a plan stays right.
 */
export class SingleFetchOperations {
  private readonly expected = new Set<string>();
  private readonly known = new Map<string, SingleFetchOperation | null>();

  constructor(private readonly options: SingleFetchOptions) {}

  /** The operation of `text` if its plan is known to be a single fetch. */
  lookup(text: string): SingleFetchOperation | undefined {
    const known = this.known.get(text);
    if (known === undefined) this.expected.add(text);
    return known ?? undefined;
  }

  /** ApolloGateway's `experimental_didResolveQueryPlan`: called with every plan it is about to run. */
  readonly observe: Experimental_DidResolveQueryPlanCallback = ({ queryPlan, operationContext, requestContext }) => {
    const text = requestContext.source;
    if (!this.expected.has(text)) return;
    this.expected.delete(text);
    const node = queryPlan.node;
    const { operation, fragments, schema } = operationContext;
    const fetch = node && singleFetchOf(node, operation, fragments);
    const send = fetch && this.options.fetches.get(fetch.serviceName);
    this.known.set(text, fetch && send ? this.operation(fetch, send, operation, schema) : null);
  };

  private operation(
    fetch: FetchNode,
    send: SubgraphFetch,
    operation: OperationDefinitionNode,
    schema: GraphQLSchema,
  ): SingleFetchOperation {
    const name = operation.name?.value;
    const variableDefinitions = operation.variableDefinitions ?? [];
    const { recordOperation } = this.options;
    return {
      run: async (variables, context) => {
        const began = performance.now();
        const raised = refusedVariables(schema, variableDefinitions, variables);
        let data: Record<string, unknown> | null | undefined;
        if (raised.length === 0) {
          try {
            const response = await send(
              {
                query: fetch.operation,
                variables: usedVariables(fetch, variables),
                operationName: fetch.operationName,
              },
              context,
            );
            data = response.data;
            for (const error of response.errors ?? []) raised.push(relayedError(error, fetch.serviceName));
          } catch (error) {
            raised.push(asGraphQLError(error));
          }
        }
        for (const error of raised) logIfUnexpected(context.logger, error, name);
        recordOperation({
          name,
          type: operation.operation,
          seconds: (performance.now() - began) / 1000,
          codes: raised.map((error) => error.extensions['code']),
        });
        const errors = raised.map(formattedForCaller);
        return { data: data ?? null, ...(errors.length > 0 ? { errors } : {}) };
      },
    };
  }
}

type FetchNode = Extract<PlanNode, { kind: 'Fetch' }>;

/**
 * The plan's one fetch, if the plan is nothing else and its answer is the operation's: no entities to
 * resolve, nothing to rewrite, and the very fields the operation selects (the planner adds
 * `__typename` where it needs one, which the gateway would then take out).
 */
function singleFetchOf(
  node: PlanNode,
  operation: OperationDefinitionNode,
  fragments: Fragments,
): FetchNode | undefined {
  if (node.kind !== 'Fetch' || node.requires || node.hasDefers) return undefined;
  if (node.inputRewrites?.length || node.outputRewrites?.length || node.contextRewrites?.length) return undefined;
  const sent = node.operationDocumentNode ?? parse(node.operation);
  const sentOperation = sent.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (!sentOperation) return undefined;
  const sentFragments = Object.fromEntries(
    sent.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const asked = responseShape(operation.selectionSet, fragments);
  const answered = responseShape(sentOperation.selectionSet, sentFragments);
  return asked !== undefined && asked === answered ? node : undefined;
}

/**
 * The response keys a selection yields, as `a.b.c` paths, sorted; fragments count as their fields.
 * Undefined where a directive could make the answer depend on more than the selection.
 */
function responseShape(selectionSet: SelectionSetNode, fragments: Fragments): string | undefined {
  const keys = new Set<string>();
  const collect = (set: SelectionSetNode, prefix: string): boolean => {
    for (const selection of set.selections) {
      if (selection.directives?.length) return false;
      if (selection.kind === Kind.FIELD) {
        const key = `${prefix}${selection.alias?.value ?? selection.name.value}`;
        keys.add(key);
        if (selection.selectionSet && !collect(selection.selectionSet, `${key}.`)) return false;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!collect(selection.selectionSet, prefix)) return false;
      } else {
        const fragment = fragments[selection.name.value];
        if (!fragment || fragment.directives?.length || !collect(fragment.selectionSet, prefix)) return false;
      }
    }
    return true;
  };
  return collect(selectionSet, '') ? [...keys].sort().join(' ') : undefined;
}

/** What the guard plugin and then the gateway refuse in the variables, as BAD_USER_INPUT. */
function refusedVariables(
  schema: GraphQLSchema,
  definitions: readonly VariableDefinitionNode[],
  variables: Record<string, unknown>,
): GraphQLError[] {
  const unstorable = findUnstorableText(variables);
  if (unstorable) {
    return [new GraphQLError(`Variable $${unstorable.join('.')} ${UNSTORABLE_TEXT_MESSAGE}`, badUserInput)];
  }
  const { errors } = getVariableValues(schema, definitions, variables);
  return (errors ?? []).map(
    (error) => new GraphQLError(error.message, { nodes: error.nodes, originalError: error, ...badUserInput }),
  );
}

const badUserInput = { extensions: { code: 'BAD_USER_INPUT' } };

/** The variables the fetch uses, those given (executeQueryPlan's `executeFetch`). */
function usedVariables(fetch: FetchNode, variables: Record<string, unknown>): Record<string, unknown> {
  const used: Record<string, unknown> = {};
  for (const name of fetch.variableUsages ?? []) {
    if (Object.hasOwn(variables, name) && variables[name] !== undefined) used[name] = variables[name];
  }
  return used;
}

/** A subgraph's error as the gateway relays it (executeQueryPlan's `downstreamServiceError`). */
function relayedError(error: NonNullable<SubgraphResponse['errors']>[number], serviceName: string): GraphQLError {
  const extensions = error.extensions ?? {};
  return new GraphQLError(error.message || `Error while fetching subquery from service "${serviceName}"`, {
    originalError: error as Error,
    ...(error.path ? { path: error.path } : {}),
    extensions: { ...extensions, serviceName, code: extensions['code'] ?? 'DOWNSTREAM_SERVICE_ERROR' },
  });
}

/** Apollo Server's `ensureGraphQLError`: what the fetch threw (a lost connection, a 5xx). */
function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  return new GraphQLError(error instanceof Error ? error.message : String(error), {
    originalError: error instanceof Error ? error : undefined,
  });
}

/** Apollo Server's formatting of an error (`enrichError`, then our `formatError`). */
function formattedForCaller(error: GraphQLError): { message: string; extensions?: Record<string, unknown> } {
  const { http: _http, ...extensions } = error.extensions as Record<string, unknown>;
  const enriched: GraphQLFormattedError = {
    ...error.toJSON(),
    extensions: { ...extensions, code: extensions['code'] ?? 'INTERNAL_SERVER_ERROR' },
  };
  const formatted = formatGraphQLError(enriched, error);
  return { message: formatted.message, extensions: formatted.extensions ?? {} };
}
