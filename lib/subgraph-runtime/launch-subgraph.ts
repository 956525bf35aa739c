import { createAccessTokenVerifier, VERIFIED_TOKEN_CACHE } from '../auth/access-token.js';
import type { SessionRevocations } from '../auth/revocation.js';
import { createUserFactsSeal } from '../auth/user-facts.js';
import { subgraphUrl, type AppConfig } from '../config/env.js';
import { newestSealedSecrets } from '../crypto/sealed-columns.js';
import { assertSealedSecretsOpen } from '../crypto/sealed-secrets.js';
import { developmentKeyFile } from '../crypto/secret-key.js';
import { openSubgraphDatabase, type SubgraphDatabase } from '../db/orm.js';
import { ExpiredRowSweeper } from '../db/retention.js';
import { OutboxEvent, publishedEventRetention } from '../events/outbox-event.entity.js';
import type { Logger } from '../logging/logger.js';
import { watchDatabase } from '../observability/database-metrics.js';
import { Registry, serviceMetrics } from '../observability/metrics.js';
import type { SubgraphDefinition } from './subgraph-definition.js';
import { startSubgraphServer, type RunningSubgraph } from './subgraph-server.js';
import type { SecretKeys } from '../crypto/secret-key.js';

export interface LaunchOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly databaseUrl: string;
  readonly poolMax: number;
  readonly secretKeys: SecretKeys;
  readonly revocations: SessionRevocations;
  readonly host: string;
  readonly port: number;
  /** Where identity publishes its JWKS (other subgraphs verify tokens against it). */
  readonly jwksUrl?: URL;
  /**
   * The process's metrics registry, and whether this subgraph serves GET /metrics on its own port.
   * By default a registry of its own, served there: a lone process without METRICS_PORT.
   */
  readonly metrics?: { readonly registry: Registry; readonly onApiPort: boolean };
}

export interface LaunchedSubgraph<TServices = unknown> extends RunningSubgraph {
  readonly database: SubgraphDatabase;
  readonly services: TServices;
  /** Deletes the rows the definition's retention rules say are done with (hourly; tests call it). */
  readonly retention?: ExpiredRowSweeper;
}

/** Migrates the subgraph's schema, creates its services, and serves it over HTTP. */
export async function launchSubgraph<TServices>(
  definition: SubgraphDefinition<TServices>,
  options: LaunchOptions,
): Promise<LaunchedSubgraph<TServices>> {
  const logger = options.logger.child({ component: definition.name });
  const metricsOptions = options.metrics ?? { registry: new Registry(), onApiPort: true };
  const metrics = serviceMetrics(metricsOptions.registry, definition.name);
  const database = await openSubgraphDatabase({
    url: options.databaseUrl,
    schema: definition.name,
    entities: definition.entities,
    migrations: definition.migrations,
    poolMax: options.poolMax,
    logger,
  });
  const outbox = definition.entities.includes(OutboxEvent);
  const unwatch = watchDatabase(metrics, database, { outbox });
  try {
    // Migrated, and before anything may seal new secrets (onStart's first signing key) under this key.
    const newest = await newestSealedSecrets(
      database.fork(),
      definition.name,
      definition.sealedColumns ?? [],
      options.secretKeys,
    );
    assertSealedSecretsOpen(definition.name, newest, keySource(options.config));
    const instance = await definition.create({
      config: options.config,
      database,
      logger,
      secretKeys: options.secretKeys,
      revocations: options.revocations,
      metrics,
    });
    await instance.onStart?.();
    // Made before the server starts, so that a rule naming no column fails the start cleanly.
    const rules = [...(definition.retention ?? []), ...(outbox ? [publishedEventRetention] : [])];
    const retention = rules.length > 0 ? new ExpiredRowSweeper({ database, rules, logger }) : undefined;
    const verifier =
      instance.verifier ??
      createAccessTokenVerifier({
        issuer: options.config.publicUrl,
        jwks: options.jwksUrl ?? identityJwksUrl(options.config),
        cache: VERIFIED_TOKEN_CACHE,
      });
    const server = await startSubgraphServer({
      name: definition.name,
      schema: instance.schema.schema,
      database,
      verifier,
      revocations: options.revocations,
      userFacts: createUserFactsSeal(options.secretKeys),
      logger,
      host: options.host,
      port: options.port,
      introspection: !options.config.isProduction,
      ...(instance.routes ? { routes: instance.routes } : {}),
      ...(instance.jsonLimitBytes ? { jsonLimitBytes: instance.jsonLimitBytes } : {}),
      metrics,
      metricsOnApiPort: metricsOptions.onApiPort,
    });
    retention?.start();
    return {
      ...server,
      database,
      services: instance.services,
      ...(retention ? { retention } : {}),
      async close() {
        await retention?.stop();
        await server.close();
        await instance.onStop?.();
        unwatch();
        await database.close();
      },
    };
  } catch (error) {
    unwatch();
    await database.close();
    throw error;
  }
}

export function identityJwksUrl(config: AppConfig): URL {
  return new URL('/.well-known/jwks.json', subgraphUrl(config, 'identity'));
}

/** Said in a refusal when SECRET_KEY is unset: the key then comes from a file, which may be the culprit. */
function keySource(config: AppConfig): string | undefined {
  return config.secretKey
    ? undefined
    : `SECRET_KEY is not set: the development key in ${developmentKeyFile(config)} was used`;
}
