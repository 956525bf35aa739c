import 'reflect-metadata';
import '../../lib/db/pg-stream-probe.js';
import { resolve } from 'node:path';
import { loadConfigOrExit, startOrExit } from '../../lib/config/env.js';
import { developmentKeyFile } from '../../lib/crypto/secret-key.js';
import { guardAgainstUncaughtErrors } from '../../lib/errors/uncaught.js';
import { createLogger } from '../../lib/logging/logger.js';
import { startStackDatabase } from './stack-database.js';

/** `npm start`: the whole graph in one process, on the embedded database unless DATABASE_URL is set. */
const config = loadConfigOrExit();
const logger = createLogger(config, 'membergraph');
guardAgainstUncaughtErrors(logger);
const began = performance.now();
// PGlite, on a thread of its own, opens DATA_DIR while stack.js (most of the start's modules) loads.
// initdb's output is cached beside the compiled sources (bin/start.mjs): a new DATA_DIR skips initdb.
const embedded = config.databaseUrl
  ? undefined
  : startStackDatabase(config, { embeddedTemplateDir: resolve('.start'), embeddedInWorker: true });
// startStack awaits it (and reports its failure); until then a failure is not an unhandled rejection.
embedded?.catch(() => undefined);
/**
 * The rest of the start, without top-level await: bin/start.mjs runs this file as CommonJS (see there
 * why), and awaits `started` before its own work (the code cache) so that it never delays the graph.
 */
export const started = (async () => {
  const { startStack } = await import('./stack.js');
  // A SECRET_KEY that does not open the database's secrets ends the start like a bad variable.
  const stack = await startOrExit(() => startStack({ config, logger, ...(embedded ? { embedded } : {}) }));
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  // Every component's metrics in one place: the gateway's port, or METRICS_PORT's listener.
  const metricsUrl = stack.metrics
    ? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${stack.metrics.port}/metrics`
    : `${stack.gatewayUrl}/metrics`;
  process.stdout.write(
    [
      '',
      `membergraph is up in ${seconds}s (${stack.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL at DATABASE_URL'})`,
      `  GraphQL + Apollo Sandbox  ${stack.gatewayUrl}/graphql`,
      `  REST (legacy contracts)   ${stack.gatewayUrl}/internal/*, ${stack.gatewayUrl}/api/v1/*  (OpenAPI: ${stack.gatewayUrl}/openapi.json)`,
      `  health / ready / metrics  ${stack.gatewayUrl}/health  ${stack.gatewayUrl}/ready  ${metricsUrl}`,
      `  subgraphs                 ${Object.values(stack.subgraphs)
        .map((s) => `${s.name} ${s.url}`)
        .join(', ')}`,
      // The sealed secrets (signing keys, TOTP seeds) open only with this key: say where it lives.
      ...(config.secretKey
        ? []
        : [
            `  development SECRET_KEY    ${developmentKeyFile(config)}  (SECRET_KEY is not set: keep this file with the data)`,
          ]),
      '',
    ].join('\n'),
  );

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      stack.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
})();
