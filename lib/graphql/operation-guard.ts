import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { BREAK, GraphQLError, OperationTypeNode, visit, type DocumentNode } from 'graphql';
import { findUnstorableText, isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../http/storable-text.js';

/** A refusal before planning: nothing ran, so it sets the HTTP status of the whole response. */
function refusal(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

/** Documents are cached by Apollo (same object per query hash), so each is searched once. */
const literalVerdicts = new WeakMap<DocumentNode, boolean>();

function hasUnstorableLiteral(document: DocumentNode): boolean {
  let verdict = literalVerdicts.get(document);
  if (verdict === undefined) {
    verdict = false;
    visit(document, {
      StringValue(node) {
        if (isStorableText(node.value)) return undefined;
        verdict = true;
        return BREAK;
      },
    });
    literalVerdicts.set(document, verdict);
  }
  return verdict;
}

/**
 * A NUL or unpaired surrogate in the variables, refused as BAD_USER_INPUT naming where it is; the
 * gateway's single-fetch operations (gateway/src/execution/single-fetch.ts) ask it too.
 */
export function unstorableVariable(variables: Record<string, unknown>): GraphQLError | undefined {
  const path = findUnstorableText(variables);
  return path ? refusal('BAD_USER_INPUT', `Variable $${path.join('.')} ${UNSTORABLE_TEXT_MESSAGE}`) : undefined;
}

/**
 * What the gateway cannot plan is the client's mistake, answered 400 before planning rather than as
 * the executor's 500 (subgraphs run it too, for a caller who reaches their port directly): an operation name the document does not hold, a subscription (the gateway
 * serves none), and a NUL or unpaired surrogate in any string literal or variable (PostgreSQL cannot
 * store them; see lib/http/storable-text.ts), the last as BAD_USER_INPUT like any other refused value.
 */
export function operationGuard<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, operation, document }) {
          if (!operation) {
            throw refusal(
              'OPERATION_RESOLUTION_FAILURE',
              request.operationName
                ? `The document has no operation named "${request.operationName}"`
                : 'The document holds several operations: name the one to run (operationName)',
            );
          }
          if (operation.operation === OperationTypeNode.SUBSCRIPTION) {
            throw refusal('BAD_REQUEST', 'Subscriptions are not supported');
          }
          if (hasUnstorableLiteral(document)) {
            throw refusal('BAD_USER_INPUT', `A string in the document ${UNSTORABLE_TEXT_MESSAGE}`);
          }
          const refused = unstorableVariable(request.variables ?? {});
          if (refused) throw refused;
        },
      };
    },
  };
}
