import { deferPackages } from '../loading/defer-packages.js';

/**
 * @mikro-orm/migrations requires umzug as it loads, and umzug its command line (@rushstack's parser
 * and terminal): some 80 modules, a tenth of a second of every start. Every start loads
 * @mikro-orm/migrations (each migration extends its class), but umzug runs only when a migration is
 * pending (orm.ts); so it loads then (deferPackages). Import this module before
 * '@mikro-orm/migrations'.
 */
export const deferredMigrationPackages: string[] = deferPackages('@mikro-orm/migrations', ['umzug']);
