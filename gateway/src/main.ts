import 'reflect-metadata';
import { createSharedRevocations, PollingRevocations } from '../../lib/auth/revocation.js';
import { loadConfigOrExit, subgraphNames, subgraphUrl, type SubgraphName } from '../../lib/config/env.js';
import { guardAgainstUncaughtErrors } from '../../lib/errors/uncaught.js';
import { listen } from '../../lib/http/listen.js';
import { createLogger } from '../../lib/logging/logger.js';
import { createGateway } from './server.js';
import { readSupergraph } from './supergraph-file.js';

/** The gateway alone (production): subgraphs are reached at IDENTITY_URL, MEMBER_URL, ... */
const config = loadConfigOrExit();
const logger = createLogger(config, 'gateway');
guardAgainstUncaughtErrors(logger);
const subgraphUrls = Object.fromEntries(subgraphNames.map((name) => [name, subgraphUrl(config, name)])) as Record<
  SubgraphName,
  string
>;
// Redis makes a logout effective at once on every replica; without it, follow identity's feed.
const revocations = config.redisUrl
  ? createSharedRevocations(config.redisUrl, logger)
  : new PollingRevocations(new URL('/sessions/revocations', subgraphUrls.identity).toString(), logger);
const gateway = await createGateway({
  config,
  logger,
  supergraphSdl: await readSupergraph(),
  subgraphUrls,
  revocations,
});
const http = await listen(gateway.app, config.port, config.host);
logger.info({ port: http.port }, 'gateway listening');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void http
      .close()
      .then(() => gateway.stop())
      .then(() => process.exit(0));
  });
}
