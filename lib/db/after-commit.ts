import type { EntityManager, EventSubscriber } from '@mikro-orm/postgresql';

type Task = () => Promise<void>;

/** Tasks waiting for a commit: per EntityManager outside a transaction, per outermost transaction inside. */
const pending = new WeakMap<object, Task[]>();

/** The outermost of nested (savepoint) transactions: only its commit is one. */
function outermost(transaction: object): object {
  let current = transaction as { parentTransaction?: object };
  while (current.parentTransaction) current = current.parentTransaction;
  return current;
}

async function run(key: object): Promise<void> {
  const tasks = pending.get(key) ?? [];
  pending.delete(key);
  // The change has committed and is reported as done: a task reports its own failures.
  for (const task of tasks) await task().catch(() => undefined);
}

/**
 * Registered on every subgraph database (orm.ts). Outside a transaction a flush commits (MikroORM
 * wraps it in one of its own); inside one, only the outermost transaction's commit does.
 */
export const commitWatcher: EventSubscriber = {
  async afterFlush({ em }) {
    if (!em.isInTransaction()) await run(em);
  },
  // MikroORM types the transaction `any`: it is the knex transaction, an object.
  async afterTransactionCommit({ transaction }: { readonly transaction?: object }) {
    if (transaction) await run(transaction);
  },
  afterTransactionRollback({ transaction }: { readonly transaction?: object }) {
    if (transaction) pending.delete(transaction);
  },
};

/**
 * Runs `task` once `em`'s pending changes are committed, never if they roll back: for telling a
 * cache that others trust (Redis) about a change whose truth is the database.
 */
export function afterCommit(em: EntityManager, task: Task): void {
  // Request forks share the root's event manager, transaction forks copy its subscribers.
  if (!em.getEventManager().getSubscribers().has(commitWatcher)) {
    throw new Error('afterCommit needs an EntityManager of a database opened by openSubgraphDatabase');
  }
  const transaction = em.getTransactionContext<object>();
  const key = transaction ? outermost(transaction) : em;
  pending.set(key, [...(pending.get(key) ?? []), task]);
}
