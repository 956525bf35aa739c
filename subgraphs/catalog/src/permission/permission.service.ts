import { LockMode } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { placeholders, type RowReader } from '../../../../lib/db/rows.js';
import { isUuid } from '../../../../lib/db/uuid.js';
import { AppError } from '../../../../lib/errors/index.js';
import type { GrantFields } from '../../../../lib/events/catalog.js';
import { recordEvent } from '../../../../lib/events/record.js';
import { CatalogStatus } from '../catalog/catalog-status.js';
import { invalid } from '../catalog/catalog.rules.js';
import { findByKey } from '../catalog/catalog.service.js';
import { recordCatalogEvent, type CatalogActor } from '../events/catalog-events.js';
import { PermissionGrant, type ScopeType } from './permission-grant.entity.js';

export const ACTION_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;
export const USER_SUB_MAX = 255;

export interface GrantRequest {
  readonly userSub: string;
  readonly scopeType: ScopeType;
  /** Business key of the site or company. */
  readonly scopeId: string;
  readonly systemKey: string;
  readonly moduleKey: string;
  readonly actions: readonly string[];
}

/** Non-empty, each matching ACTION_PATTERN, duplicates dropped (first occurrence kept). */
export function checkActions(actions: readonly string[]): string[] {
  if (actions.length === 0) throw invalid('actions', 'must name at least one action');
  const bad = actions.find((action) => !ACTION_PATTERN.test(action));
  if (bad !== undefined) throw invalid('actions', `must each match ${ACTION_PATTERN.source}`);
  return [...new Set(actions)];
}

export function checkUserSub(userSub: string): string {
  if (userSub.length < 1 || userSub.length > USER_SUB_MAX || userSub.trim() !== userSub)
    throw invalid('userSub', `must be 1 to ${USER_SUB_MAX} characters without surrounding spaces`);
  return userSub;
}

/** What permission.granted and permission.revoked say of a grant. */
function described(grant: GrantRecord): GrantFields {
  return {
    grantId: grant.id,
    userSub: grant.userSub,
    scopeType: grant.scopeType,
    scopeId: grant.scopeKey,
    systemKey: grant.systemKey,
    moduleKey: grant.moduleKey,
    actions: grant.actions,
  };
}

/**
 * Grants `actions` on a module of a system within a site or company. The same user, scope, system and
 * module granted again replaces the actions (one row per target: unique constraint + upsert); the
 * event says whether it `replaced` an earlier grant.
 */
export async function grantPermission(
  em: EntityManager,
  actor: CatalogActor,
  request: GrantRequest,
): Promise<PermissionGrant> {
  const userSub = checkUserSub(request.userSub);
  const actions = checkActions(request.actions);
  return em.transactional(async (tx) => {
    // FOR SHARE: a concurrent deactivation of any of these waits for this grant and then sees it.
    const lock = { lockMode: LockMode.PESSIMISTIC_READ } as const;
    const scope = await findByKey(tx, request.scopeType === 'SITE' ? 'site' : 'company', request.scopeId, lock);
    const system = await findByKey(tx, 'system', request.systemKey, lock);
    const module = await findByKey(tx, 'module', request.moduleKey, lock);
    if (module.system.id !== system.id) {
      throw invalid('moduleKey', `module ${module.key} does not belong to system ${system.key}`);
    }
    const inactive = [scope, system, module].find((item) => item.status !== CatalogStatus.ACTIVE);
    if (inactive) throw new AppError('CONFLICT', `${inactive.key} is inactive; nothing can be granted on it`);

    const schema = tx.config.get('schema');
    const now = new Date();
    // ON CONFLICT: a concurrent first grant of the same target waits for the other and then replaces
    // its actions, where a plain insert would fail on the unique constraint.
    // `xmax = 0`: the row was inserted by this statement, not updated (PostgreSQL's row version).
    const [row] = await tx.execute<{ id: string; inserted: boolean }[]>(
      `insert into "${schema}"."permission_grant"
         (id, user_sub, scope_type, scope_key, system_key, module_key, actions, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, array[${actions.map(() => '?').join(', ')}]::text[], ?, ?)
       on conflict on constraint permission_grant_target_unique
       do update set actions = excluded.actions, updated_at = excluded.updated_at
       returning id, (xmax = 0) as inserted`,
      // One placeholder per action: the driver would spread an array binding into a list anyway.
      [randomUUID(), userSub, request.scopeType, scope.key, system.key, module.key, ...actions, now, now],
    );
    if (!row) throw new Error('upsert returned no row');
    const grant = await tx.findOneOrFail(PermissionGrant, { id: row.id }, { refresh: true });
    recordCatalogEvent(tx, actor, 'permission.granted', { ...described(grant), replaced: !row.inserted }, userSub);
    return grant;
  });
}

/** A grant's columns as PostgreSQL returns them (raw statements, no entity). */
interface GrantRow {
  id: string;
  user_sub: string;
  scope_type: ScopeType;
  scope_key: string;
  system_key: string;
  module_key: string;
  actions: string[];
}

/** What a grant says, without its timestamps: what readers and events need of it. */
export type GrantRecord = Omit<PermissionGrant, 'createdAt' | 'updatedAt'>;

const GRANT_COLUMNS = 'id, user_sub, scope_type, scope_key, system_key, module_key, actions';

function recordOf(row: GrantRow): GrantRecord {
  return {
    id: row.id,
    userSub: row.user_sub,
    scopeType: row.scope_type,
    scopeKey: row.scope_key,
    systemKey: row.system_key,
    moduleKey: row.module_key,
    actions: row.actions,
  };
}

/** True when a grant was removed (and permission.revoked recorded), false when there was none with this id. */
export async function revokePermission(em: EntityManager, actor: CatalogActor, id: string): Promise<boolean> {
  if (!isUuid(id)) throw invalid('id', 'must be a UUID');
  return em.transactional(async (tx) => {
    // One statement decides between concurrent revokes, and tells what was removed.
    const [row] = await tx.execute<GrantRow[]>(
      `delete from "${tx.config.get('schema')}"."permission_grant" where id = ? returning ${GRANT_COLUMNS}`,
      [id],
    );
    if (!row) return false;
    recordCatalogEvent(tx, actor, 'permission.revoked', described(recordOf(row)), row.user_sub);
    return true;
  });
}

/**
 * Every grant of one user, oldest first, in one statement however many there are. Plain rows, not
 * entities: a snapshot of 1,000 grants hydrated into the identity map cost ~7× the statement itself
 * in CPU, and nothing here is changed or flushed.
 */
export function grantsOf(reader: RowReader, userSub: string): Promise<GrantRecord[]> {
  return grantsOfMany(reader, [userSub]);
}

/** Every grant of several users, oldest first, in one statement (the federated User.permissions loader). */
export async function grantsOfMany(reader: RowReader, userSubs: readonly string[]): Promise<GrantRecord[]> {
  if (userSubs.length === 0) return [];
  const rows = await reader.select<GrantRow>(
    `select ${GRANT_COLUMNS} from "${reader.schema}"."permission_grant"
     where user_sub in (${placeholders(userSubs.length)})
     order by created_at asc, id asc`,
    userSubs,
  );
  return rows.map(recordOf);
}

/** Who deleted the account whose grants go, as identity's `user.deleted` says. */
export interface AccountDeletion {
  readonly userSub: string;
  readonly userId: string | null;
  readonly actorUserId: string | null;
}

/**
 * Removes every grant of a deleted account's subject in `tx`'s transaction, recording for each
 * permission.revoked with the reason `account_deleted` (webhook receivers that mirror grants drop
 * them too). A subject with no grant left records nothing, so doing it twice is harmless.
 */
export async function revokeGrantsOfDeletedAccount(tx: EntityManager, deletion: AccountDeletion): Promise<number> {
  const rows = await tx.execute<GrantRow[]>(
    `delete from "${tx.config.get('schema')}"."permission_grant" where user_sub = ? returning ${GRANT_COLUMNS}`,
    [deletion.userSub],
  );
  for (const row of rows) {
    recordEvent(tx, {
      type: 'permission.revoked',
      actorUserId: deletion.actorUserId,
      subjectUserId: deletion.userId,
      payload: { ...described(recordOf(row)), reason: 'account_deleted' },
    });
  }
  return rows.length;
}
