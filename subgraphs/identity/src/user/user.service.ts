import type { Role } from '../../../../lib/auth/principal.js';
import { placeholders, timestamp, type RowReader } from '../../../../lib/db/rows.js';
import { isUuid } from '../../../../lib/db/uuid.js';
import { alignByKey, requestLoader, type SubgraphContext } from '../../../../lib/graphql/context.js';
import { UserType, type AccountColumns } from './user.types.js';

/** The columns of `user_account` that a User shows (no secret column is read). */
export interface UserRow {
  readonly id: string;
  readonly tenant_id: string;
  readonly email: string;
  readonly email_verified_at: string | Date | null;
  readonly username: string | null;
  readonly display_name: string | null;
  readonly role: Role;
  readonly is_active: boolean;
  readonly created_at: string | Date;
  readonly last_login_at: string | Date | null;
  readonly external_sub: string | null;
}

/** Those columns, as a select list. */
export const USER_COLUMNS =
  'id, tenant_id, email, email_verified_at, username, display_name, role, is_active, created_at, last_login_at, external_sub';

/** A User's columns from its row, dates read as MikroORM reads them. */
export function accountColumnsOf(dates: Pick<RowReader, 'platform'>, row: UserRow): AccountColumns {
  return {
    id: row.id,
    email: row.email,
    emailVerifiedAt: timestamp(dates, row.email_verified_at),
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    isActive: row.is_active,
    createdAt: timestamp(dates, row.created_at),
    lastLoginAt: timestamp(dates, row.last_login_at),
    externalSub: row.external_sub,
  };
}

/**
 * Reads of accounts; one batched query per request however many users a query touches. `me` and
 * every User reference of a federated request come here, so it reads rows (lib/db/rows.ts), not
 * entities: what it returns is the GraphQL User, never an entity to change.
 */
export class UserDirectory {
  byId(context: SubgraphContext, id: string): Promise<UserType | undefined> {
    if (!isUuid(id)) return Promise.resolve(undefined);
    return requestLoader<string, UserType | undefined>(context, 'identity.userById', (ids) =>
      this.loadMany(context.rows, ids),
    ).load(id);
  }

  private async loadMany(reader: RowReader, ids: readonly string[]): Promise<(UserType | undefined)[]> {
    const rows = await reader.select<UserRow>(
      `select ${USER_COLUMNS}
       from "${reader.schema}"."user_account" where id in (${placeholders(ids.length)}) and deleted_at is null`,
      ids,
    );
    const users = rows.map((row) => UserType.of(accountColumnsOf(reader, row), row.tenant_id));
    return alignByKey(ids, users, (user) => user.id);
  }
}
