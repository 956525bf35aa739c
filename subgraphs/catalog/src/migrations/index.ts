import type { MigrationEntry } from '../../../../lib/db/orm.js';
import { Migration20261121102625 } from './Migration20261121102625.js';
import { Migration20261121113749 } from './Migration20261121113749.js';
import { Migration20261201183607 } from './Migration20261201183607.js';
import { Migration20261204213000 } from './Migration20261204213000.js';
import { Migration20261206010000 } from './Migration20261206010000.js';

/** Applied in this order; `npm run migration:create` regenerates this list. */
export const migrations: readonly MigrationEntry[] = [
  { name: 'Migration20261121102625', class: Migration20261121102625 },
  { name: 'Migration20261121113749', class: Migration20261121113749 },
  { name: 'Migration20261201183607', class: Migration20261201183607 },
  { name: 'Migration20261204213000', class: Migration20261204213000 },
  { name: 'Migration20261206010000', class: Migration20261206010000 },
];
