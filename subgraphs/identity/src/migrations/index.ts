import type { MigrationEntry } from '../../../../lib/db/orm.js';
import { Migration20261121102615 } from './Migration20261121102615.js';
import { Migration20261121103829 } from './Migration20261121103829.js';
import { Migration20261121111223 } from './Migration20261121111223.js';
import { Migration20261121113615 } from './Migration20261121113615.js';
import { Migration20261121113823 } from './Migration20261121113823.js';
import { Migration20261121120035 } from './Migration20261121120035.js';
import { Migration20261121130042 } from './Migration20261121130042.js';
import { Migration20261121132825 } from './Migration20261121132825.js';
import { Migration20261121135702 } from './Migration20261121135702.js';
import { Migration20261204213000 } from './Migration20261204213000.js';
import { Migration20261205002054 } from './Migration20261205002054.js';
import { Migration20261205002055 } from './Migration20261205002055.js';
import { Migration20261205003000 } from './Migration20261205003000.js';
import { Migration20261205010000 } from './Migration20261205010000.js';
import { Migration20261205020000 } from './Migration20261205020000.js';
import { Migration20261206010000 } from './Migration20261206010000.js';
import { Migration20261206133959 } from './Migration20261206133959.js';
import { Migration20261206141305 } from './Migration20261206141305.js';
import { Migration20261206170000 } from './Migration20261206170000.js';
import { Migration20261206172000 } from './Migration20261206172000.js';
import { Migration20261206222132 } from './Migration20261206222132.js';

/** Applied in this order; `npm run migration:create` regenerates this list. */
export const migrations: readonly MigrationEntry[] = [
  { name: 'Migration20261121102615', class: Migration20261121102615 },
  { name: 'Migration20261121103829', class: Migration20261121103829 },
  { name: 'Migration20261121111223', class: Migration20261121111223 },
  { name: 'Migration20261121113615', class: Migration20261121113615 },
  { name: 'Migration20261121113823', class: Migration20261121113823 },
  { name: 'Migration20261121120035', class: Migration20261121120035 },
  { name: 'Migration20261121130042', class: Migration20261121130042 },
  { name: 'Migration20261121132825', class: Migration20261121132825 },
  { name: 'Migration20261121135702', class: Migration20261121135702 },
  { name: 'Migration20261204213000', class: Migration20261204213000 },
  { name: 'Migration20261205002054', class: Migration20261205002054 },
  { name: 'Migration20261205002055', class: Migration20261205002055 },
  { name: 'Migration20261205003000', class: Migration20261205003000 },
  { name: 'Migration20261205010000', class: Migration20261205010000 },
  { name: 'Migration20261205020000', class: Migration20261205020000 },
  { name: 'Migration20261206010000', class: Migration20261206010000 },
  { name: 'Migration20261206133959', class: Migration20261206133959 },
  { name: 'Migration20261206141305', class: Migration20261206141305 },
  { name: 'Migration20261206170000', class: Migration20261206170000 },
  { name: 'Migration20261206172000', class: Migration20261206172000 },
  { name: 'Migration20261206222132', class: Migration20261206222132 },
];
