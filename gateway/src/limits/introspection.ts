import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode, type SelectionSetNode } from 'graphql';
import { hasRole } from '../../../lib/auth/policies.js';
import { AppError } from '../../../lib/errors/index.js';
import type { GatewayContext } from '../context.js';

function selectsIntrospection(
  selectionSet: SelectionSetNode,
  document: DocumentNode,
  seen = new Set<string>(),
): boolean {
  return selectionSet.selections.some((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value === '__schema' || selection.name.value === '__type';
    if (selection.kind === Kind.INLINE_FRAGMENT) return selectsIntrospection(selection.selectionSet, document, seen);
    const name = selection.name.value;
    if (seen.has(name)) return false;
    seen.add(name);
    const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name);
    return fragment?.kind === Kind.FRAGMENT_DEFINITION && selectsIntrospection(fragment.selectionSet, document, seen);
  });
}

/**
 * In production the schema is introspectable by system admins only (Sandbox users sign in first);
 * in development it is open.
 */
export function introspectionPolicy(isProduction: boolean): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      if (!isProduction) return;
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (!operation || !selectsIntrospection(operation.selectionSet, document)) return;
          if (hasRole(contextValue.principal, 'SYSTEM_ADMIN')) return;
          // Refused before execution: the response's HTTP status is the refusal's (401/403), not 500.
          throw new AppError(
            contextValue.principal.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN',
            'Introspection is available to system administrators only',
          ).toRequestError();
        },
      };
    },
  };
}
