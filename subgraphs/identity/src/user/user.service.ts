import type { EntityManager } from '../../../../lib/db/orm.js';
import { isUuid } from '../../../../lib/db/uuid.js';
import { alignByKey, requestLoader, type SubgraphContext } from '../../../../lib/graphql/context.js';
import { UserAccount } from './user.entity.js';

/** Reads of accounts; one batched query per request however many users a query touches. */
export class UserDirectory {
  byId(context: SubgraphContext, id: string): Promise<UserAccount | undefined> {
    if (!isUuid(id)) return Promise.resolve(undefined);
    return requestLoader<string, UserAccount | undefined>(context, 'identity.userById', (ids) =>
      this.loadMany(context.em, ids),
    ).load(id);
  }

  private async loadMany(em: EntityManager, ids: readonly string[]): Promise<(UserAccount | undefined)[]> {
    const rows = await em.find(UserAccount, { id: { $in: [...ids] }, deletedAt: null });
    return alignByKey(ids, rows, (row) => row.id);
  }
}
