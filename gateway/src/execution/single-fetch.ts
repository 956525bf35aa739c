import type { ApolloGateway, Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import {
  getVariableValues,
  GraphQLError,
  isNonNullType,
  Kind,
  parse,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';
import { createHash } from 'node:crypto';
import { formatGraphQLError } from '../../../lib/errors/index.js';
import { logIfUnexpected } from '../../../lib/errors/log-plugin.js';
import { unstorableVariable } from '../../../lib/graphql/operation-guard.js';
import type { OperationRecord } from '../../../lib/observability/graphql-metrics.js';
import type { GatewayContext } from '../context.js';
import type { SubgraphFetch, SubgraphResponse } from '../graphql/subgraph-data-source.js';
import type { ExecutionResult } from './execution-result.js';

type ResolvedPlan = Parameters<Experimental_DidResolveQueryPlanCallback>[0];
type PlanNode = NonNullable<ResolvedPlan['queryPlan']['node']>;
type Fragments = Readonly<Record<string, FragmentDefinitionNode>>;

/**
 * An operation whose query plan is one fetch from one subgraph, answered with exactly the fields the
 * operation selects: what the gateway would answer is that subgraph's answer, so it is sent straight
 * there. What the gateway does for such an operation is kept: its coercion of the variables, the
 * fetch the plan would send (its operation, the variables it uses, its name) through the same timed
 * and traced fetch, and the subgraph's errors relayed as the gateway relays them (`serviceName`
 * added, DOWNSTREAM_SERVICE_ERROR when they have no code). Two ways in:
 * - `execute`, for every client's operation (`/graphql`): in place of the plan's executor, inside
 *   Apollo Server's pipeline, which still parses, validates, limits, measures and formats;
 * - `run`, for the REST layer's own operations (in-process.ts): without Apollo Server's pipeline
 *   either, so it does what that pipeline does for them: the guard's check of the variables
 *   (operation-guard.ts), the formatting of errors (formatGraphQLError), the operation's metrics and
 *   the log of an unexpected error. Together they were a quarter of the gateway's CPU per REST sign-in.
 */
export interface SingleFetchOperation {
  run(variables: Record<string, unknown>, context: GatewayContext): Promise<ExecutionResult>;
  execute(variables: Record<string, unknown>, context: GatewayContext): Promise<GatewayExecutionResult>;
}

export interface SingleFetchOptions {
  /** Each subgraph's fetch, as the query plans call it (timed and traced). */
  readonly fetches: ReadonlyMap<string, SubgraphFetch>;
  /** graphql-metrics.ts: the operation's duration and the codes of its errors. */
  readonly recordOperation: (record: OperationRecord) => void;
}

/** Plans remembered for clients' operations, as the gateway's own plan cache keeps the recent ones. */
const KEPT_PLANS = 1_000;

/**
 * Learns, from the plans the gateway makes, which operations need only one fetch: an operation is
 * looked at the first time the gateway plans it. Clients' operations are kept by query hash and
 * operation name (the gateway's plan key), the KEPT_PLANS planned last; the REST layer's
 * documents, a closed set announced by `lookup`, by their text. The supergraph is fixed for the life
 * of the process (server.ts reads it once); should it change, everything learnt is forgotten.
 */
export class SingleFetchOperations {
  private readonly expected = new Set<string>();
  private readonly byText = new Map<string, SingleFetchOperation | null>();
  private readonly byPlanKey = new Map<string, SingleFetchOperation | null>();

  constructor(private readonly options: SingleFetchOptions) {}

  /** The REST layer's operation of `text`, if its plan is known to be a single fetch. */
  lookup(text: string): SingleFetchOperation | undefined {
    const known = this.byText.get(text);
    if (known === undefined) this.expected.add(text);
    return known ?? undefined;
  }

  /** The gateway's executor, but for operations known to be a single fetch, which `execute` answers. */
  executor(planned: GatewayExecutor): GatewayExecutor {
    return async (requestContext) => {
      const single = this.byPlanKey.get(planKeyOf(requestContext));
      // Federated traces (ftv1) are the plan executor's; no plugin here asks for them.
      if (!single || requestContext.metrics.captureTraces) return planned(requestContext);
      return single.execute(requestContext.request.variables ?? {}, requestContext.context as GatewayContext);
    };
  }

  /** Whether a client's operation is now answered without the plan's executor (tests, diagnostics). */
  answersDirectly(query: string, operationName?: string): boolean {
    const queryHash = createHash('sha256').update(query).digest('hex');
    return Boolean(this.byPlanKey.get(planKey(queryHash, operationName)));
  }

  /** A new supergraph: plans learnt from the old one no longer hold. */
  forget(): void {
    this.byText.clear();
    this.byPlanKey.clear();
  }

  /** ApolloGateway's `experimental_didResolveQueryPlan`: called with every plan it is about to run. */
  readonly observe: Experimental_DidResolveQueryPlanCallback = ({ queryPlan, operationContext, requestContext }) => {
    const key = planKeyOf(requestContext);
    const text = requestContext.source;
    const expected = this.expected.has(text);
    if (!expected && this.byPlanKey.has(key)) return;
    const node = queryPlan.node;
    const { operation, fragments, schema } = operationContext;
    const fetch = node && singleFetchOf(node, operation, fragments);
    const send = fetch && this.options.fetches.get(fetch.serviceName);
    const noData = send ? emptyData(operation, schema) : undefined;
    const single =
      fetch && send && noData !== undefined
        ? singleFetchOperation({ fetch, send, operation, schema, noData }, this.options)
        : null;
    if (expected) {
      this.expected.delete(text);
      this.byText.set(text, single);
    }
    if (this.byPlanKey.size >= KEPT_PLANS) this.byPlanKey.delete(this.byPlanKey.keys().next().value!);
    this.byPlanKey.set(key, single);
  };
}

type GatewayExecutor = ApolloGateway['executor'];
type GatewayRequestContext = Parameters<GatewayExecutor>[0];
type GatewayExecutionResult = Awaited<ReturnType<GatewayExecutor>>;

/** The key of the gateway's plan cache: the query's hash, and the operation's name when given. */
function planKey(queryHash: string, operationName: string | undefined): string {
  return operationName ? `${queryHash} ${operationName}` : queryHash;
}

function planKeyOf({ queryHash, request }: GatewayRequestContext): string {
  return planKey(queryHash, request.operationName);
}

interface SingleFetchPlan {
  readonly fetch: FetchNode;
  readonly send: SubgraphFetch;
  readonly operation: OperationDefinitionNode;
  /** The API schema, which the variables are coerced against. */
  readonly schema: GraphQLSchema;
  /** What the gateway answers when the subgraph answered no data, or the fetch failed (`emptyData`). */
  readonly noData: Record<string, unknown> | null;
}

function singleFetchOperation(plan: SingleFetchPlan, { recordOperation }: SingleFetchOptions): SingleFetchOperation {
  const { fetch, send, operation, schema, noData } = plan;
  const name = operation.name?.value;
  const variableDefinitions = operation.variableDefinitions ?? [];
  const answer = async (variables: Record<string, unknown>, context: GatewayContext) => {
    const request = {
      query: fetch.operation,
      variables: usedVariables(fetch, variables),
      operationName: fetch.operationName,
    };
    const response = await send(request, context);
    return {
      data: response.data ?? noData,
      errors: (response.errors ?? []).map((error) => relayedError(error, fetch.serviceName)),
    };
  };
  return {
    async execute(variables, context) {
      const { errors } = getVariableValues(schema, variableDefinitions, variables);
      // As the gateway's own check answers: Apollo Server makes them BAD_USER_INPUT.
      if (errors) return { errors };
      try {
        const answered = await answer(variables, context);
        return answered.errors.length > 0 ? answered : { data: answered.data };
      } catch (error) {
        // As executeQueryPlan answers a fetch that failed: Apollo Server formats (and logs) it.
        return { data: noData, errors: [error as GraphQLError] };
      }
    },
    async run(variables, context) {
      const began = performance.now();
      const raised = refusedVariables(schema, variableDefinitions, variables);
      let data: Record<string, unknown> | null = null;
      if (raised.length === 0) {
        try {
          const answered = await answer(variables, context);
          data = answered.data;
          raised.push(...answered.errors);
        } catch (error) {
          data = noData;
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
      return { data, ...(errors.length > 0 ? { errors } : {}) };
    },
  };
}

/**
 * The gateway's answer from no data (resultShaping's `computeResponse` over nothing): null for each
 * root field the operation selects, `__typename` the root type's name; no data at all when a root
 * field may not be null. Undefined for a fragment among the root fields, which is left to the gateway.
 */
function emptyData(
  operation: OperationDefinitionNode,
  schema: GraphQLSchema,
): Record<string, unknown> | null | undefined {
  const root = schema.getRootType(operation.operation);
  if (!root) return undefined;
  const fields = root.getFields();
  const data: Record<string, unknown> = {};
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return undefined;
    const name = selection.name.value;
    const key = selection.alias?.value ?? name;
    if (name === '__typename') data[key] = root.name;
    else if (isNonNullType(fields[name]?.type)) return null;
    else data[key] = null;
  }
  return data;
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
 * The response keys a selection yields, as `a.b.c` paths in the order they are answered; fragments
 * count as their fields.
 * Undefined where a directive could make the answer depend on more than the selection.
 */
function responseShape(selectionSet: SelectionSetNode, fragments: Fragments): string | undefined {
  const keys: string[] = [];
  const collect = (set: SelectionSetNode, prefix: string): boolean => {
    for (const selection of set.selections) {
      if (selection.directives?.length) return false;
      if (selection.kind === Kind.FIELD) {
        const key = `${prefix}${selection.alias?.value ?? selection.name.value}`;
        keys.push(key);
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
  return collect(selectionSet, '') ? keys.join(' ') : undefined;
}

/** What the guard plugin and then the gateway refuse in the variables, as BAD_USER_INPUT. */
function refusedVariables(
  schema: GraphQLSchema,
  definitions: readonly VariableDefinitionNode[],
  variables: Record<string, unknown>,
): GraphQLError[] {
  const unstorable = unstorableVariable(variables);
  if (unstorable) return [unstorable];
  const { errors } = getVariableValues(schema, definitions, variables);
  return (errors ?? []).map(
    (error) =>
      new GraphQLError(error.message, {
        nodes: error.nodes,
        originalError: error,
        extensions: { code: 'BAD_USER_INPUT' },
      }),
  );
}

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
