import 'reflect-metadata';
import { loadConfigOrExit, subgraphNames, subgraphUrl } from '../../lib/config/env.js';
import { listen } from '../../lib/http/listen.js';
import { createLogger } from '../../lib/logging/logger.js';
import { createGateway } from './server.js';
import { readSupergraph } from './supergraph-file.js';

/** The gateway alone (production): subgraphs are reached at IDENTITY_URL, MEMBER_URL, ... */
const config = loadConfigOrExit();
const logger = createLogger(config, 'gateway');
const gateway = await createGateway({
  config,
  logger,
  supergraphSdl: await readSupergraph(),
  subgraphUrls: Object.fromEntries(subgraphNames.map((name) => [name, subgraphUrl(config, name)])) as never,
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
