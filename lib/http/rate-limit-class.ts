/**
 * Which budget a request draws on (seed 004 "Rate Limiting"): general 100, auth 10, admin 1000 per
 * minute by default (RATE_LIMIT_*_PER_MINUTE), and `internal` (60,000) for services calling
 * `/internal/*` in batches. Declared here rather than in the gateway, which enforces the budgets,
 * because subgraphs declare the class of their root fields (lib/graphql/root-field-policy.ts).
 *
 * In order of intent, strictest first: the gateway breaks a tie between budgets configured alike by it.
 */
export const rateLimitClasses = ['auth', 'general', 'admin', 'internal'] as const;
export type RateLimitClass = (typeof rateLimitClasses)[number];
