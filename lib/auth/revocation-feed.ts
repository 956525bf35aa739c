import { channelOf, CHANNELS, type Notifications } from '../db/notifications.js';
import type { RevocationFeedEntry } from './revocation.js';

/**
 * A kept answer is read again at least this often, notification or not: the bound on how stale the
 * feed can be if the listening connection dies without anyone noticing (a silent network drop).
 */
export const REVOCATION_FEED_MAX_AGE_MS = 10_000;

export interface RevocationFeedOptions {
  /** Sessions ended after `since`, oldest first, at most `pageSize` (identity's SessionService). */
  readonly load: (since: Date) => Promise<RevocationFeedEntry[]>;
  readonly pageSize: number;
  /** The schema whose `session_revoked_notify` trigger announces ended sessions. */
  readonly schema: string;
  readonly notifications: Notifications;
}

/**
 * Identity's revocation feed (`GET /sessions/revocations?since=`), which every gateway and subgraph
 * without Redis, and every one with Redis as its fallback, asks every 2 s: without this, each ask
 * was a query. The last answer is kept and the next asks are answered from it, filtered by their
 * `since`, for as long as nothing can have changed: the database announces every ended session
 * (NOTIFY from identity's trigger, whichever replica ended it) and the listening connection is up.
 * Without notifications (the embedded database, a pooler that drops them, a reconnecting listener)
 * every ask is a query, as before. So the feed is exactly as fresh as the database, a notification's
 * delay aside, and at worst REVOCATION_FEED_MAX_AGE_MS old if the listener died silently.
 */
export class RevocationFeed {
  /** Moves on every announcement: an answer loaded before it is not kept. */
  private generation = 0;
  private kept:
    | {
        readonly since: number;
        readonly loadedAt: number;
        readonly generation: number;
        readonly entries: readonly RevocationFeedEntry[];
      }
    | undefined;

  constructor(private readonly options: RevocationFeedOptions) {
    options.notifications.subscribe(channelOf(CHANNELS.revocations, options.schema), (schema) => {
      if (schema === options.schema) this.generation += 1;
    });
    // Started or stopped listening: what happened meanwhile was not announced.
    options.notifications.onListening(() => (this.generation += 1));
  }

  async read(since: Date): Promise<RevocationFeedEntry[]> {
    const from = since.getTime();
    const kept = this.kept;
    if (
      kept &&
      kept.generation === this.generation &&
      this.options.notifications.listening &&
      Date.now() - kept.loadedAt < REVOCATION_FEED_MAX_AGE_MS &&
      from >= kept.since
    ) {
      // The query's condition (revoked after `since`) on a superset it returned. Times come back to
      // the millisecond: one the database holds to the microsecond may be `since` itself here, and is
      // listed (again) rather than dropped; a follower takes an entry twice harmlessly.
      return kept.entries.filter((entry) => Date.parse(entry.revokedAt) >= from);
    }
    const generation = this.generation;
    const loadedAt = Date.now();
    const entries = await this.options.load(since);
    // Not kept if anything was announced while it loaded, or if it is a page cut short.
    if (
      generation === this.generation &&
      this.options.notifications.listening &&
      entries.length < this.options.pageSize
    )
      this.kept = { since: from, loadedAt, generation, entries };
    return entries;
  }
}
