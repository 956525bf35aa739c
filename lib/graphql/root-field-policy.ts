import type { GraphQLSchema } from 'graphql';
import type { RateLimitClass } from '../http/rate-limit-class.js';
import type { FieldRule, FieldRules } from './shield.js';

/** `general` is what a root field draws on unless it says otherwise: there is one way to say it. */
export type DeclaredRateLimitClass = Exclude<RateLimitClass, 'general'>;

/** A root field's rule with the budget its calls draw on; only `limited` makes one. */
class LimitedRule {
  constructor(
    readonly rateLimit: DeclaredRateLimitClass,
    readonly rule: FieldRule,
  ) {}
}

/**
 * A root field's authorization rule together with its rate-limit class, e.g.
 * `login: limited('auth', allow)`. The gateway's class table is generated from these at compose time
 * (`npm run compose`); a field without `limited` is `general`. An admin field left `general` only
 * costs admins the smaller general budget, never gives anyone a larger one.
 */
export function limited(rateLimit: DeclaredRateLimitClass, rule: FieldRule): RootFieldPolicy {
  return new LimitedRule(rateLimit, rule);
}

export type RootFieldPolicy = FieldRule | LimitedRule;
export type RootFieldPolicies = Readonly<Record<string, RootFieldPolicy>>;

/**
 * A subgraph's graphql-shield rules; everything not named is denied. Root fields may carry their
 * rate-limit class (`limited`); `'*'` stands for every field of the type not named beside it.
 */
export interface SubgraphPermissions {
  readonly Query?: RootFieldPolicies;
  readonly Mutation?: RootFieldPolicies;
  /**
   * Other types: one rule, or a rule per field. The type admits `limited` here only because an index
   * signature must admit Query's and Mutation's values; `splitPermissions` refuses it.
   */
  readonly [typeName: string]: FieldRule | RootFieldPolicies | undefined;
}

/** The roots the gateway budgets by field (rate-limit-classes.ts reads `<root type>.<field>`). */
const rootTypes = ['Query', 'Mutation'] as const;
const isRootType = (typeName: string): typeName is (typeof rootTypes)[number] =>
  (rootTypes as readonly string[]).includes(typeName);

export interface SplitPermissions {
  /** For graphql-shield (createShield). */
  readonly rules: Record<string, FieldRule | FieldRules>;
  /** `<root type>.<field>` → class, for each root field declared other than `general`. */
  readonly rootFieldClasses: Readonly<Record<string, DeclaredRateLimitClass>>;
}

/**
 * Separates the declarations into shield's rule map and the root fields' rate-limit classes. `schema`
 * is the subgraph's own (without federation's `_service`/`_entities`): it spells out what `'*'` covers.
 */
export function splitPermissions(permissions: SubgraphPermissions, schema: GraphQLSchema): SplitPermissions {
  const rules: Record<string, FieldRule | FieldRules> = {};
  const rootFieldClasses: Record<string, DeclaredRateLimitClass> = {};
  for (const [typeName, declared] of Object.entries(permissions)) {
    if (declared === undefined) continue;
    if (!isRootType(typeName)) {
      if (Object.values(declared).some((value) => value instanceof LimitedRule)) {
        throw new Error(
          `${typeName}: a rate-limit class belongs to a root field (Query, Mutation), not to ${typeName}`,
        );
      }
      // Checked just above: no `limited` among them.
      rules[typeName] = declared as FieldRule | FieldRules;
      continue;
    }
    const policies = declared as RootFieldPolicies; // as SubgraphPermissions types Query and Mutation
    const fields = Object.keys(rootFieldsOf(schema, typeName));
    const fieldRules: FieldRules = {};
    for (const [field, policy] of Object.entries(policies)) {
      if (!(policy instanceof LimitedRule)) {
        fieldRules[field] = policy;
        continue;
      }
      fieldRules[field] = policy.rule;
      // As graphql-shield reads it: `'*'` applies to the fields that have no rule of their own.
      const covered = field === '*' ? fields.filter((name) => !Object.hasOwn(policies, name)) : [field];
      for (const name of covered) rootFieldClasses[`${typeName}.${name}`] = policy.rateLimit;
    }
    rules[typeName] = fieldRules;
  }
  return { rules, rootFieldClasses };
}

function rootFieldsOf(schema: GraphQLSchema, typeName: 'Query' | 'Mutation') {
  return (typeName === 'Query' ? schema.getQueryType() : schema.getMutationType())?.getFields() ?? {};
}
