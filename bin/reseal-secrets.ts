import 'reflect-metadata';
import { loadConfigOrExit } from '../lib/config/env.js';
import { keyedHashCensus, type KeyedHashCensus } from '../lib/crypto/keyed-hash-census.js';
import { resealColumn, type ResealCount } from '../lib/crypto/reseal.js';
import { resolveSecretKeys } from '../lib/crypto/secret-key.js';
import { createLogger } from '../lib/logging/logger.js';
import { forEachSubgraphDatabase } from './subgraph-databases.js';

/**
 * `npm run secrets:reseal`: step 3 of a SECRET_KEY change (docs/operations.md "Changing
 * SECRET_KEY"). Every secret the subgraphs keep sealed that a SECRET_KEY_FALLBACKS key opens is
 * sealed again under SECRET_KEY, in DATABASE_URL or the embedded database under DATA_DIR (stop
 * `npm start` first: the embedded database has one user at a time). Safe while replicas run, and to
 * run again. Exits 1 when some secret opens under no key given, naming it: the fallback it needs
 * must not go yet. Then it counts the keyed hashes that cannot be made again (backup codes) by the
 * key they were made under: those under a fallback stop working when it goes.
 */
const config = loadConfigOrExit();
const logger = createLogger({ logLevel: 'warn' }, 'reseal');
const keys = await resolveSecretKeys(config);
const counts: ResealCount[] = [];
const censuses: KeyedHashCensus[] = [];
await forEachSubgraphDatabase(
  config,
  logger,
  async (name, definition, database) => {
    // The columns are those of the latest migration: an older schema is the service's to migrate.
    const pending = await database.orm.getMigrator().getPendingMigrations();
    if (pending.length > 0) {
      console.error(`${name}: ${pending.length} migrations pending: run npm run migrate (or start it) first`);
      process.exitCode = 1;
      return;
    }
    for (const column of definition.sealedColumns ?? []) {
      const count = await resealColumn(database.fork(), name, column, keys);
      counts.push(count);
      console.log(
        `${name} ${count.kind}: ${count.resealed} sealed again under SECRET_KEY, ${count.current} already were` +
          (count.unopened.length > 0 ? `, ${count.unopened.length} open under no key given` : ''),
      );
    }
    for (const column of definition.keyedHashColumns ?? []) {
      const census = await keyedHashCensus(database.fork(), name, column, keys);
      censuses.push(census);
      console.log(
        `${name} ${census.kind}: ${census.current} made under SECRET_KEY, ${census.underFallback} under a fallback ` +
          `(${census.ownersUnderFallback} ${census.ownersUnderFallback === 1 ? 'member' : 'members'}), ` +
          `${census.void} under a key no longer set, ${census.unknown} from before key ids were kept`,
      );
    }
  },
  (definition) => (definition.sealedColumns?.length ?? 0) + (definition.keyedHashColumns?.length ?? 0) > 0,
);
const unopened = counts.filter((count) => count.unopened.length > 0);
if (unopened.length > 0) {
  for (const count of unopened)
    console.error(`${count.kind} that open under no key given: ${count.unopened.join(', ')}`);
  console.error('Keep the key they were sealed with in SECRET_KEY_FALLBACKS, and run this again with it.');
  process.exitCode = 1;
} else if (keys.fallbacks.length > 0 && !process.exitCode) {
  console.log('Every sealed secret is under SECRET_KEY now.');
  const voided = censuses.filter((census) => census.underFallback > 0);
  for (const census of voided)
    console.log(
      `Removing SECRET_KEY_FALLBACKS voids ${census.underFallback} ${census.kind} of ` +
        `${census.ownersUnderFallback} ${census.ownersUnderFallback === 1 ? 'member' : 'members'} (only their hashes are kept): ` +
        'see docs/operations.md "Changing SECRET_KEY".',
    );
}
