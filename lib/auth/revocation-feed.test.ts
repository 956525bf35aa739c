import { afterEach, describe, expect, it, vi } from 'vitest';
import { channelOf, CHANNELS, type Notifications } from '../db/notifications.js';
import { REVOCATION_FEED_MAX_AGE_MS, RevocationFeed } from './revocation-feed.js';
import type { RevocationFeedEntry } from './revocation.js';

/** Notifications a test sends by hand. */
class FakeNotifications implements Notifications {
  listening = true;
  private readonly subscribers = new Map<string, Set<(payload: string) => void>>();
  private readonly statusListeners = new Set<(listening: boolean) => void>();

  subscribe(channel: string, listener: (payload: string) => void): () => void {
    const set = this.subscribers.get(channel) ?? new Set();
    set.add(listener);
    this.subscribers.set(channel, set);
    return () => set.delete(listener);
  }

  onListening(listener: (listening: boolean) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** A notification on the channel `schema`'s trigger names, carrying `payload` (the schema, as the trigger sends it). */
  announce(schema: string, payload = schema): void {
    const channel = channelOf(CHANNELS.revocations, schema);
    for (const listener of this.subscribers.get(channel) ?? []) listener(payload);
  }

  setListening(listening: boolean): void {
    this.listening = listening;
    for (const listener of this.statusListeners) listener(listening);
  }
}

/** A table of ended sessions and the feed over it, counting its queries. */
function feedOver(entries: RevocationFeedEntry[], options: { pageSize?: number } = {}) {
  const notifications = new FakeNotifications();
  const queries: Date[] = [];
  const feed = new RevocationFeed({
    load: async (since) => {
      queries.push(since);
      return entries.filter((entry) => Date.parse(entry.revokedAt) > since.getTime());
    },
    pageSize: options.pageSize ?? 100,
    schema: 'identity',
    notifications,
  });
  return { feed, notifications, queries };
}

const at = (iso: string): RevocationFeedEntry => ({ sessionId: `s-${iso}`, revokedAt: iso, until: 0 });
const t = (iso: string) => new Date(iso);

describe("identity's revocation feed", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers later asks from the last answer, each for its own since, while nothing was announced', async () => {
    const { feed, queries } = feedOver([at('2026-01-01T10:00:00.000Z'), at('2026-01-01T10:05:00.000Z')]);
    expect(await feed.read(t('2026-01-01T09:00:00.000Z'))).toHaveLength(2);
    expect(await feed.read(t('2026-01-01T09:30:00.000Z'))).toHaveLength(2);
    expect((await feed.read(t('2026-01-01T10:01:00.000Z'))).map((e) => e.revokedAt)).toEqual([
      '2026-01-01T10:05:00.000Z',
    ]);
    expect(queries).toHaveLength(1);
    // Further back than the answer it keeps: a query.
    expect(await feed.read(t('2026-01-01T08:00:00.000Z'))).toHaveLength(2);
    expect(queries).toHaveLength(2);
  });

  it('asks the database again once identity announces an ended session, from any replica', async () => {
    const entries = [at('2026-01-01T10:00:00.000Z')];
    const { feed, notifications, queries } = feedOver(entries);
    const since = t('2026-01-01T09:00:00.000Z');
    expect(await feed.read(since)).toHaveLength(1);
    entries.push(at('2026-01-01T10:01:00.000Z'));
    // Another schema's announcement (another stack on the database) changes nothing here, on its
    // own channel or on this one (two long names cut to the same channel).
    notifications.announce('identity_other');
    notifications.announce('identity', 'identity_other');
    expect(await feed.read(since)).toHaveLength(1);
    notifications.announce('identity');
    expect(await feed.read(since)).toHaveLength(2);
    expect(queries).toHaveLength(2);
  });

  it('does not keep an answer loaded while an end was announced', async () => {
    const entries = [at('2026-01-01T10:00:00.000Z')];
    const { feed, notifications } = feedOver(entries);
    const since = t('2026-01-01T09:00:00.000Z');
    const first = feed.read(since);
    // Committed (and announced) after the query's snapshot, before its answer arrived.
    entries.push(at('2026-01-01T10:01:00.000Z'));
    notifications.announce('identity');
    expect(await first).toHaveLength(1);
    expect(await feed.read(since)).toHaveLength(2);
  });

  it('asks the database every time while notifications do not arrive', async () => {
    const { feed, notifications, queries } = feedOver([at('2026-01-01T10:00:00.000Z')]);
    notifications.setListening(false);
    const since = t('2026-01-01T09:00:00.000Z');
    await feed.read(since);
    await feed.read(since);
    expect(queries).toHaveLength(2);
    // Listening again: what was ended meanwhile was not announced, so the next ask is a query too.
    notifications.setListening(true);
    await feed.read(since);
    await feed.read(since);
    expect(queries).toHaveLength(3);
    notifications.setListening(false);
    await feed.read(since);
    expect(queries).toHaveLength(4);
  });

  it('asks again after REVOCATION_FEED_MAX_AGE_MS even without an announcement', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T11:00:00.000Z') });
    const { feed, queries } = feedOver([at('2026-01-01T10:00:00.000Z')]);
    const since = t('2026-01-01T09:00:00.000Z');
    await feed.read(since);
    vi.advanceTimersByTime(REVOCATION_FEED_MAX_AGE_MS - 1);
    await feed.read(since);
    expect(queries).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await feed.read(since);
    expect(queries).toHaveLength(2);
  });

  it('never keeps a page cut short', async () => {
    const { feed, queries } = feedOver([at('2026-01-01T10:00:00.000Z'), at('2026-01-01T10:01:00.000Z')], {
      pageSize: 2,
    });
    const since = t('2026-01-01T09:00:00.000Z');
    await feed.read(since);
    await feed.read(since);
    expect(queries).toHaveLength(2);
  });
});
