import { middleware, type IMiddlewareGenerator, type IMiddlewareTypeMap } from 'graphql-middleware';
import { allow, and, deny, rule, shield } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { canAccessUser, hasRole, isSignedInUser } from '../auth/policies.js';
import type { Role } from '../auth/principal.js';
import { AppError } from '../errors/index.js';
import type { SubgraphContext } from './context.js';

export { allow, deny, and, or, not } from 'graphql-shield';
export type { IRules } from 'graphql-shield';

/** Signed-in user; anonymous callers get UNAUTHENTICATED rather than FORBIDDEN. */
export const signedIn = rule({ cache: 'contextual' })(
  (_parent, _args, context: SubgraphContext) => isSignedInUser(context.principal) || new AppError('UNAUTHENTICATED'),
);

export function roleIn(...roles: Role[]) {
  return rule(`roleIn:${roles.join(',')}`, { cache: 'contextual' })((_parent, _args, context: SubgraphContext) => {
    if (context.principal.kind === 'anonymous') return new AppError('UNAUTHENTICATED');
    return hasRole(context.principal, ...roles);
  });
}

/** A service principal (an API client) holding one of these scopes. */
export function scopeIn(...scopes: string[]) {
  return rule(`scopeIn:${scopes.join(',')}`, { cache: 'contextual' })((_parent, _args, context: SubgraphContext) => {
    const principal = context.principal;
    if (principal.kind === 'anonymous') return new AppError('UNAUTHENTICATED');
    return principal.kind === 'service' && scopes.some((s) => principal.scopes.includes(s));
  });
}

/**
 * Marks a User object handed to the person who has just proved to be it (sign-in, sign-up), whose
 * request carried no token yet. Only identity's auth resolvers set it.
 */
export const authenticatedHolder = Symbol('authenticatedHolder');

interface UserParent {
  readonly id: string;
  readonly tenantId?: string | null;
  readonly [authenticatedHolder]?: true;
}

/**
 * For fields of a `User` object: the caller is that user, a system admin, or a group admin of the
 * user's tenant. The parent must carry `id` and `tenantId` (subgraphs get `tenantId` via @requires).
 */
export const selfOrAdminOfUser = rule('selfOrAdminOfUser', {
  // Decided once per user and request, by what the decision reads. shield's `strict` would hash the
  // whole parent object with object-hash for every field of every User (a tenth of identity's CPU).
  cache: (parent: UserParent) => JSON.stringify([parent[authenticatedHolder] === true, parent.id, parent.tenantId]),
})((parent: UserParent, _args, context: SubgraphContext) => {
  if (parent[authenticatedHolder]) return true;
  if (context.principal.kind === 'anonymous') return new AppError('UNAUTHENTICATED');
  return canAccessUser(context.principal, parent);
});

/** A third-party application's token (OAuth): its user's access, narrowed by scope. */
function applicationToken(context: SubgraphContext): readonly string[] | undefined {
  const { principal } = context;
  return principal.kind === 'user' && principal.clientId ? principal.scopes : undefined;
}

const applicationMayRead = rule('applicationMayRead', { cache: 'contextual' })((
  _parent,
  _args,
  context: SubgraphContext,
) => {
  const scopes = applicationToken(context);
  return !scopes || scopes.includes('read') || new AppError('FORBIDDEN', 'The application was not granted read');
});

const applicationMayWrite = rule('applicationMayWrite', { cache: 'contextual' })((
  _parent,
  _args,
  context: SubgraphContext,
) => {
  const scopes = applicationToken(context);
  return !scopes || scopes.includes('write') || new AppError('FORBIDDEN', 'The application was not granted write');
});

/** An application's token holding `scope` (a query that is not about reading the account, like userinfo). */
function applicationHolds(scope: string) {
  return rule(`applicationHolds:${scope}`, { cache: 'contextual' })((_parent, _args, context: SubgraphContext) => {
    const scopes = applicationToken(context);
    return !scopes || scopes.includes(scope) || new AppError('FORBIDDEN', `The application was not granted ${scope}`);
  });
}

const notApplication = rule('notApplication', { cache: 'contextual' })(
  (_parent, _args, context: SubgraphContext) =>
    !applicationToken(context) || new AppError('FORBIDDEN', 'Applications may not do this on behalf of a user'),
);

/** One field's rule (graphql-shield does not export the name). */
export type FieldRule = Parameters<typeof and>[number];
export type FieldRules = Record<string, FieldRule>;

/** Every root field's rule, preceded by the application-token check for its kind. */
function withApplicationPolicy(fields: FieldRules, policy: (field: string) => FieldRule): FieldRules {
  return Object.fromEntries(Object.entries(fields).map(([field, fieldRule]) => [field, and(policy(field), fieldRule)]));
}

export interface ShieldOptions {
  readonly hasEntities: boolean;
  /**
   * Mutations a third-party application may call for its user, with the scope each needs (profile
   * changes need `write`). Every other mutation refuses application tokens: an application that a
   * user let in must not change the password, the second factor, or anything administrative.
   * Queries need `read`.
   */
  readonly applicationMutations?: Readonly<Record<string, 'read' | 'write'>>;
  /**
   * Queries an application's token may call with the scope named instead of `read` (OpenID Connect's
   * userinfo needs `openid`, whatever else was granted).
   */
  readonly applicationQueries?: Readonly<Record<string, string>>;
}

/**
 * graphql-shield with our defaults: deny whatever is not named, let resolver errors through (they
 * are catalog errors or masked later), answer FORBIDDEN for a rule that says no. The federation
 * fields the gateway needs are always allowed; `__resolveReference` is not a field, so entity types
 * must guard their fields rather than rely on the reference resolver.
 */
export function createShield(rules: IRules, options: ShieldOptions) {
  const typed = rules as Record<string, FieldRules>;
  const queryScopes = options.applicationQueries ?? {};
  const queryRules = withApplicationPolicy(typed['Query'] ?? {}, (field) => {
    const scope = Object.hasOwn(queryScopes, field) ? queryScopes[field] : undefined;
    return scope ? applicationHolds(scope) : applicationMayRead;
  });
  const openToApplications = options.applicationMutations ?? {};
  const mutationRules = withApplicationPolicy(typed['Mutation'] ?? {}, (field) => {
    const scope = Object.hasOwn(openToApplications, field) ? openToApplications[field] : undefined;
    return scope === 'write' ? applicationMayWrite : scope === 'read' ? applicationMayRead : notApplication;
  });
  const tree: Record<string, FieldRule | FieldRules> = {
    ...typed,
    Query: { ...queryRules, _service: allow, ...(options.hasEntities ? { _entities: allow } : {}) },
    ...(typed['Mutation'] ? { Mutation: mutationRules } : {}),
    _Service: allow,
  };
  const generator = shield(tree as IRules, {
    fallbackRule: deny,
    allowExternalErrors: true,
    fallbackError: () => new AppError('FORBIDDEN'),
  });
  return withoutAllowedFields(generator, tree);
}

/**
 * Leaves the fields whose rule is `allow` to their own resolvers. Shield's middleware decides nothing
 * for them, yet makes each one async (it awaits the rule, then the resolver): a list of objects of an
 * `allow` type costs promises per field, which for catalog's snapshot of 1,000 grants (5,000 fields)
 * was a third of its CPU. The answers and errors are the same (`allowExternalErrors` hands resolver
 * errors through unchanged); every other field, and every field of a type without a rule
 * (`fallbackRule: deny`), keeps its middleware.
 */
function withoutAllowedFields(
  generator: IMiddlewareGenerator<unknown, unknown, unknown>,
  tree: Readonly<Record<string, FieldRule | FieldRules>>,
): IMiddlewareGenerator<unknown, unknown, unknown> {
  return middleware((schema) => {
    const types = generator.generate(schema) as IMiddlewareTypeMap;
    for (const [typeName, rules] of Object.entries(tree)) {
      const fields = types[typeName];
      if (rules === allow) {
        delete types[typeName];
      } else if (isFieldRules(rules) && typeof fields === 'object') {
        for (const field of Object.keys(fields)) {
          // As shield reads the map: the field's own rule, else the type's '*'.
          const effective = Object.hasOwn(rules, field) ? rules[field] : rules['*'];
          if (effective === allow) delete (fields as Record<string, unknown>)[field];
        }
      }
    }
    return types;
  });
}

/** A per-field rule map, as opposed to one rule (a class instance) for the whole type. */
function isFieldRules(rules: FieldRule | FieldRules): rules is FieldRules {
  return Object.getPrototypeOf(rules) === Object.prototype;
}
