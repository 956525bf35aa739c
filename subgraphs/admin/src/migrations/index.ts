import type { MigrationEntry } from '../../../../lib/db/orm.js';
import { Migration20261121102630 } from './Migration20261121102630.js';

/** Applied in this order; `npm run migration:create` regenerates this list. */
export const migrations: readonly MigrationEntry[] = [
  { name: 'Migration20261121102630', class: Migration20261121102630 },
];
