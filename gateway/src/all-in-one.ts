import 'reflect-metadata';
import { loadConfigOrExit } from '../../lib/config/env.js';
import { guardAgainstUncaughtErrors } from '../../lib/errors/uncaught.js';
import { createLogger } from '../../lib/logging/logger.js';
import { startStack } from './stack.js';

/** `npm start`: the whole graph in one process, on the embedded database unless DATABASE_URL is set. */
const config = loadConfigOrExit();
const logger = createLogger(config, 'membergraph');
guardAgainstUncaughtErrors(logger);
const began = performance.now();
const stack = await startStack({ config, logger });
const seconds = ((performance.now() - began) / 1000).toFixed(1);
process.stdout.write(
  [
    '',
    `membergraph is up in ${seconds}s (${stack.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL at DATABASE_URL'})`,
    `  GraphQL + Apollo Sandbox  ${stack.gatewayUrl}/graphql`,
    `  REST (legacy contracts)   ${stack.gatewayUrl}/internal/*, ${stack.gatewayUrl}/api/v1/*  (OpenAPI: ${stack.gatewayUrl}/openapi.json)`,
    `  health / ready / metrics  ${stack.gatewayUrl}/health  ${stack.gatewayUrl}/ready  ${stack.gatewayUrl}/metrics`,
    `  subgraphs                 ${Object.values(stack.subgraphs)
      .map((s) => `${s.name} ${s.url}`)
      .join(', ')}`,
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
