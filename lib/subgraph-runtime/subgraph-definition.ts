import type { Express } from 'express';
import type { AccessTokenVerifier } from '../auth/access-token.js';
import type { SessionRevocations } from '../auth/revocation.js';
import type { AppConfig, SubgraphName } from '../config/env.js';
import type { MigrationEntry, SubgraphDatabase } from '../db/orm.js';
import type { RetentionRule } from '../db/retention.js';
import type { SubgraphSchema } from '../graphql/subgraph-schema.js';
import type { Logger } from '../logging/logger.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import type { SecretKeys } from '../crypto/secret-key.js';
import type { SealedColumn } from '../crypto/sealed-columns.js';
import type { KeyedHashColumn } from '../crypto/keyed-hash-census.js';

/** What a running subgraph gets from its launcher. */
export interface SubgraphRuntime {
  readonly config: AppConfig;
  readonly database: SubgraphDatabase;
  readonly logger: Logger;
  readonly secretKeys: SecretKeys;
  /** Ended sessions, shared with the gateway (same process, Redis, or identity's feed). */
  readonly revocations: SessionRevocations;
  /** This subgraph's metrics (sign-ins, webhook deliveries...), in its process's registry. */
  readonly metrics: ServiceMetrics;
}

export interface SubgraphInstance<TServices = unknown> {
  readonly schema: SubgraphSchema;
  readonly routes?: (app: Express) => void;
  /** Largest GraphQL request body, when more than the default 1 MB. */
  readonly jsonLimitBytes?: number;
  /** Work at start (bootstrap data, ensure keys); runs after migrations, before listening. */
  readonly onStart?: () => Promise<void>;
  readonly onStop?: () => Promise<void>;
  /** Identity verifies with its own key set instead of fetching its JWKS over HTTP. */
  readonly verifier?: AccessTokenVerifier;
  /** The subgraph's services, for its own tests and tools. */
  readonly services: TServices;
}

/** Everything the platform needs to know to migrate, compose and run one subgraph. */
export interface SubgraphDefinition<TServices = unknown> {
  readonly name: SubgraphName;
  // MikroORM entity classes.
  readonly entities: readonly (abstract new (...args: never[]) => unknown)[];
  readonly migrations: readonly MigrationEntry[];
  /** Rows deleted once they have served their purpose (lib/db/retention.ts), hourly. */
  readonly retention?: readonly RetentionRule[];
  /**
   * Every column of secrets sealed under SECRET_KEY: `npm run secrets:reseal` seals them anew, and
   * the launcher opens the newest of each after migrations, before onStart, refusing to start when
   * one does not open: a process with another SECRET_KEY would otherwise start and fail every request
   * that needs them.
   */
  readonly sealedColumns?: readonly SealedColumn[];
  /** Keyed hashes kept long, which a SECRET_KEY change voids: `npm run secrets:reseal` counts them. */
  readonly keyedHashColumns?: readonly KeyedHashColumn[];
  /** Schema only, no services: for `npm run compose` and drift tests. */
  buildSchema(): Promise<SubgraphSchema>;
  create(runtime: SubgraphRuntime): Promise<SubgraphInstance<TServices>>;
}
