import type { MigrationEntry } from '../../../../lib/db/orm.js';
import { Migration20261121102620 } from './Migration20261121102620.js';
import { Migration20261121110617 } from './Migration20261121110617.js';
import { Migration20261121125112 } from './Migration20261121125112.js';
import { Migration20261121132245 } from './Migration20261121132245.js';
import { Migration20261204203000 } from './Migration20261204203000.js';
import { Migration20261204213000 } from './Migration20261204213000.js';
import { Migration20261206010000 } from './Migration20261206010000.js';
import { Migration20261206141314 } from './Migration20261206141314.js';

/** Applied in this order; `npm run migration:create` regenerates this list. */
export const migrations: readonly MigrationEntry[] = [
  { name: 'Migration20261121102620', class: Migration20261121102620 },
  { name: 'Migration20261121110617', class: Migration20261121110617 },
  { name: 'Migration20261121125112', class: Migration20261121125112 },
  { name: 'Migration20261121132245', class: Migration20261121132245 },
  { name: 'Migration20261204203000', class: Migration20261204203000 },
  { name: 'Migration20261204213000', class: Migration20261204213000 },
  { name: 'Migration20261206010000', class: Migration20261206010000 },
  { name: 'Migration20261206141314', class: Migration20261206141314 },
];
