import { createHash } from 'node:crypto';
import {
  Kind,
  parse,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { rateLimitClasses, type RateLimitClass } from '../../../lib/http/rate-limit-class.js';
import { graphqlFieldClasses } from '../generated/rate-limit-classes.js';
import { grantOfField, type PresentedCredential } from './rate-limit-credentials.js';

/**
 * Which budget a request draws on, and the tie-break order for "strictest": declared in lib/, where
 * subgraphs declare their root fields' classes. The whole classification: each route declares its
 * class (route-classes.ts), and for GraphQL root fields the table `npm run compose` generates from
 * each subgraph's permissions (`login: limited('auth', allow)`).
 */
export { rateLimitClasses, type RateLimitClass };
export type RateLimits = Readonly<Record<RateLimitClass, number>>;

/** The strictest of several classes: the smallest configured budget (an operation mixing fields). */
export function strictest(classes: Iterable<RateLimitClass>, limits: RateLimits): RateLimitClass {
  let chosen: RateLimitClass | undefined;
  for (const candidate of classes) {
    if (
      chosen === undefined ||
      limits[candidate] < limits[chosen] ||
      (limits[candidate] === limits[chosen] && rateLimitClasses.indexOf(candidate) < rateLimitClasses.indexOf(chosen))
    ) {
      chosen = candidate;
    }
  }
  return chosen ?? 'general';
}

const rootTypes = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const;

/** One root field that will run: `<root type>.<field>` and its node (for its arguments). */
interface RootExecution {
  readonly coordinate: string;
  readonly field: FieldNode;
}

/**
 * What runs at the root: per selected operation, each response key (alias or field name) with its
 * `<root type>.<field>`. Two selections under one response key merge into one execution (GraphQL
 * refuses them unless they are the same field with the same arguments), so each key runs once.
 */
function rootExecutionsOf(document: DocumentNode, operationName: string | undefined): RootExecution[] {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const selected =
    operationName === undefined
      ? operations
      : operations.filter((operation) => operation.name?.value === operationName);
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition.selectionSet] as const] : [],
    ),
  );
  const executions: RootExecution[] = [];
  for (const operation of selected) {
    const rootType = rootTypes[operation.operation];
    const byResponseKey = new Map<string, RootExecution>();
    const visited = new Set<string>();
    const walk = (selectionSet: SelectionSetNode) => {
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          const responseKey = selection.alias?.value ?? selection.name.value;
          // A conflicting second field under one key is refused by validation; keep the first.
          if (!byResponseKey.has(responseKey)) {
            byResponseKey.set(responseKey, { coordinate: `${rootType}.${selection.name.value}`, field: selection });
          }
        } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
        else if (!visited.has(selection.name.value)) {
          visited.add(selection.name.value);
          const fragment = fragments.get(selection.name.value);
          if (fragment) walk(fragment);
        }
      }
    };
    walk(operation.selectionSet);
    executions.push(...byResponseKey.values());
  }
  return executions;
}

/**
 * `<root type>.<field>` of every root field the request would run: the named operation (without a
 * name, every operation: the only one, or an ambiguous document GraphQL refuses anyway), through fragments and
 * aliases, ignoring @skip/@include (counting a skipped field errs on the strict side).
 */
export function rootFieldsOf(document: DocumentNode, operationName: string | undefined): Set<string> {
  return new Set(rootExecutionsOf(document, operationName).map((execution) => execution.coordinate));
}

export interface GraphQLClassifierOptions {
  readonly limits: RateLimits;
  /**
   * The gateway's MAX_QUERY_TOKENS. graphql-armor counts tokens exactly as graphql-js's `maxTokens`
   * does (every lexer token but EOF), so a document too big to classify here is one Apollo refuses.
   */
  readonly maxTokens: number;
  /** Persisted-query hashes remembered with their class. */
  readonly rememberedHashes?: number;
  /** Documents remembered with their class (those of at most MAX_REMEMBERED_DOCUMENT characters). */
  readonly rememberedDocuments?: number;
}

/** Larger documents (a picture inline, say) are classified afresh: the memory kept stays a few MB. */
const MAX_REMEMBERED_DOCUMENT = 8 * 1024;

/** A document's charge for one operation name, with its auth fields (their arguments name a credential). */
interface ClassifiedDocument {
  readonly charge: OperationCharge;
  readonly auth: readonly RootExecution[];
}

/**
 * The budget a request draws on, and how much of it: one per operation, except that each auth root
 * field counts on its own. Otherwise `a: login(…) b: login(…) …` (aliases) would try many passwords
 * or codes for the price of one request.
 */
export interface GraphQLCharge {
  readonly class: RateLimitClass;
  readonly cost: number;
  /** What the request proves beyond its address, when that decides whose auth budget it is. */
  readonly credential?: PresentedCredential | undefined;
}

/** One GraphQL-over-HTTP request: a JSON body, a batch of them, or a GET's query string. */
export type GraphQLClassifier = (request: unknown) => GraphQLCharge;

interface OperationCharge {
  readonly class: RateLimitClass;
  /** Root fields of the auth class it runs. */
  readonly authFields: number;
  /** The grant of its one auth field, when that is a refresh or token request (never remembered by hash). */
  readonly credential?: PresentedCredential | undefined;
}

const GENERAL_OPERATION: OperationCharge = { class: 'general', authFields: 0 };

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/**
 * Classifies by the root fields of the operation that will run. Automatic persisted queries send a
 * hash without the document after the first time: the class learned when the document came with its
 * (checked) hash is reused. A hash never seen here counts as general; Apollo answers it with
 * PERSISTED_QUERY_NOT_FOUND unless its own cache outlived this one.
 */
export function createGraphQLClassifier(options: GraphQLClassifierOptions): GraphQLClassifier {
  const maxHashes = options.rememberedHashes ?? 10_000;
  const maxDocuments = options.rememberedDocuments ?? 1_000;
  const hashes = new Map<string, OperationCharge>();

  const documents = new Map<string, ClassifiedDocument>();

  /** The document's charge and auth fields; undefined when it does not parse. */
  function classifyDocument(query: string, operationName: string | undefined): ClassifiedDocument | undefined {
    // Clients send the same few documents over and over: each is parsed once, not per request.
    const key = query.length <= MAX_REMEMBERED_DOCUMENT ? `${operationName ?? ''}\n${query}` : undefined;
    const known = key === undefined ? undefined : documents.get(key);
    if (known) return known;
    let document: DocumentNode;
    try {
      document = parse(query, { noLocation: true, maxTokens: options.maxTokens });
    } catch {
      return undefined;
    }
    const executions = rootExecutionsOf(document, operationName);
    const classes = executions.map((execution) => graphqlFieldClasses[execution.coordinate] ?? 'general');
    const auth = executions.filter((execution) => graphqlFieldClasses[execution.coordinate] === 'auth');
    const classified = { charge: { class: strictest(classes, options.limits), authFields: auth.length }, auth };
    if (key !== undefined) {
      // The oldest goes first once full: enough for every document of a real client.
      if (documents.size >= maxDocuments) documents.delete(documents.keys().next().value!);
      documents.set(key, classified);
    }
    return classified;
  }

  function classifyOne(request: Record<string, unknown>): OperationCharge {
    const persisted = asRecord(asRecord(request['extensions'])?.['persistedQuery']);
    const hash = typeof persisted?.['sha256Hash'] === 'string' ? persisted['sha256Hash'] : undefined;
    const query = request['query'];
    if (typeof query !== 'string') return (hash && hashes.get(hash)) || GENERAL_OPERATION;
    const operationName = typeof request['operationName'] === 'string' ? request['operationName'] : undefined;
    const classified = classifyDocument(query, operationName);
    if (!classified) return GENERAL_OPERATION;
    const { charge, auth } = classified;
    // Learnt only for a hash that is the document's: a mismatched pair must not relabel a hash.
    if (hash && createHash('sha256').update(query).digest('hex') === hash) {
      hashes.delete(hash);
      hashes.set(hash, charge);
      for (const oldest of hashes.keys()) {
        if (hashes.size <= maxHashes) break;
        hashes.delete(oldest);
      }
    }
    // Read from this request's arguments: a remembered hash carries no credential.
    const [single] = auth;
    const credential =
      auth.length === 1 && single ? grantOfField(single.coordinate, single.field, request['variables']) : undefined;
    return credential ? { ...charge, credential } : charge;
  }

  return (request) => {
    const operations = (Array.isArray(request) ? request : [request]).map((one) => {
      const record = asRecord(one);
      return record ? classifyOne(record) : GENERAL_OPERATION;
    });
    const cls = strictest(
      operations.map((operation) => operation.class),
      options.limits,
    );
    const authFields = operations.reduce((sum, operation) => sum + operation.authFields, 0);
    const credential = operations.length === 1 ? operations[0]?.credential : undefined;
    return {
      class: cls,
      cost: cls === 'auth' ? Math.max(1, authFields) : operations.length,
      ...(cls === 'auth' && credential ? { credential } : {}),
    };
  };
}
