import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { EntityManager } from '../db/orm.js';
import { EVENT_TYPES, eventCatalog, publicPayload } from './catalog.js';
import { personal, publicPart } from './personal-data.js';
import { recordEvent } from './record.js';
import { acceptRelayedEvent, type RelayedEvent } from './wire.js';

/**
 * Never called: `tsc --noEmit` checks it. Each `@ts-expect-error` fails the type check as soon as the
 * line below it compiles, so an event the catalog does not declare cannot be recorded anywhere.
 */
export function recordingIsTypedByTheCatalog(em: EntityManager): void {
  recordEvent(em, { type: 'user.role_changed', payload: { from: 'USER', to: 'GROUP_ADMIN' } });
  recordEvent(em, { type: 'user.login' });
  // @ts-expect-error: a type missing from the catalog
  recordEvent(em, { type: 'user.teleported' });
  // @ts-expect-error: a payload field the catalog does not declare for the type
  recordEvent(em, { type: 'user.login', payload: { password: 'secret' } });
  // @ts-expect-error: a field of the wrong type
  recordEvent(em, { type: 'user.role_changed', payload: { from: 'USER', to: 'ROOT' } });
  // @ts-expect-error: the payload of a type with required fields left out
  recordEvent(em, { type: 'user.role_changed' });
}

const relayed = (type: string, payload: Record<string, unknown>): RelayedEvent => ({
  id: randomUUID(),
  type,
  occurredAt: new Date().toISOString(),
  tenantId: null,
  actorUserId: null,
  subjectUserId: null,
  ipAddress: null,
  userAgent: null,
  payload,
});

describe('the event catalog', () => {
  it('declares each type once', () => {
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
    expect(EVENT_TYPES).toEqual(expect.arrayContaining(['user.login', 'catalog.site_deactivated']));
  });

  it('reads a relayed event: declared fields kept, undeclared ones dropped', () => {
    const read = acceptRelayedEvent(relayed('user.login', { applicationId: 'app_1', passwordHash: 'x' }));
    expect(read).toEqual({
      event: expect.objectContaining({ type: 'user.login', payload: { applicationId: 'app_1' } }) as unknown,
    });
  });

  it('refuses an unknown type and a payload of another shape', () => {
    expect(acceptRelayedEvent(relayed('user.teleported', {}))).toHaveProperty('issues');
    expect(acceptRelayedEvent(relayed('user.role_changed', { from: 'USER', to: 'ROOT' }))).toHaveProperty('issues');
    expect(acceptRelayedEvent(relayed('user.logout', {}))).toHaveProperty('issues');
  });

  it('leaves the fields it declares personal out of what is copied on', () => {
    const created = eventCatalog.parse({
      type: 'user.created',
      payload: { email: 'someone@example.com', role: 'USER', via: 'bootstrap' },
    });
    expect(publicPayload(created)).toEqual({ role: 'USER', via: 'bootstrap' });
    const failed = eventCatalog.parse({
      type: 'user.login_failed',
      payload: { email: 'someone@example.com', reason: 'unknown_account' },
    });
    expect(publicPayload(failed)).toEqual({ reason: 'unknown_account' });
  });

  it('finds personal fields at any depth of objects and arrays', () => {
    const schema = z.object({
      owner: z.object({ name: personal(z.string()), clientId: z.string() }).nullable(),
      contacts: z.array(z.object({ phone: personal(z.string()).optional(), kind: z.string() })),
    });
    const value = { owner: { name: 'Ada', clientId: 'c' }, contacts: [{ phone: '+1', kind: 'work' }], extra: 1 };
    expect(publicPart(schema, value)).toEqual({ owner: { clientId: 'c' }, contacts: [{ kind: 'work' }] });
  });
});
