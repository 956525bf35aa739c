import type { MigrationEntry } from '../../../../lib/db/orm.js';
import { Migration20261121102630 } from './Migration20261121102630.js';
import { Migration20261121130139 } from './Migration20261121130139.js';
import { Migration20261121130436 } from './Migration20261121130436.js';
import { Migration20261121132801 } from './Migration20261121132801.js';
import { Migration20261201183224 } from './Migration20261201183224.js';

/** Applied in this order; `npm run migration:create` regenerates this list. */
export const migrations: readonly MigrationEntry[] = [
  { name: 'Migration20261121102630', class: Migration20261121102630 },
  { name: 'Migration20261121130139', class: Migration20261121130139 },
  { name: 'Migration20261121130436', class: Migration20261121130436 },
  { name: 'Migration20261121132801', class: Migration20261121132801 },
  { name: 'Migration20261201183224', class: Migration20261201183224 },
];
