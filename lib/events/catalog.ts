import { z } from 'zod';
import { roles } from '../auth/principal.js';
import { personal, publicPart } from './personal-data.js';

/**
 * Every event a subgraph may record, with the shape of its payload: declared once, here. The list of
 * types (webhook subscriptions, the audit log's actions), the type of `recordEvent` and admin's
 * reading of relayed events all derive from it, so an event cannot be half-declared. To add one:
 * add an entry below (mark personal fields with `personal()`), then record it with `recordEvent`.
 * Fields the recording subgraph always knows are required; the envelope (tenant, actor, subject,
 * address, user agent) is the outbox row's own columns, the same for every type.
 */
const event = <const T extends string, S extends z.ZodRawShape>(type: T, payload: S) =>
  z.object({ type: z.literal(type), payload: z.object(payload) });

const empty = {};

/** Why a sign-in (or a step-up, or a password change's check) failed. */
export const LOGIN_FAILURE_REASONS = [
  'unknown_account',
  'wrong_password',
  'wrong_otp',
  'wrong_current_password',
  'wrong_step_up_code',
] as const;
export type LoginFailureReason = (typeof LOGIN_FAILURE_REASONS)[number];

/** Who (outside sign-up) made or changed an account: a provisioning service or an administrator. */
const provisioned = {
  /** The account's external subject, as provisioning named it. */
  userSub: z.string().optional(),
  /** The API client that acted, null when a user did. */
  clientId: z.string().nullable().optional(),
};

const application = { applicationId: z.string(), name: z.string() };
const applicationChange = { ...application, clientId: z.string().optional() };

/** A catalog change by an API client (no user) names it; a user is the envelope's actor. */
const byClient = { actorClientId: z.string().optional() };

const CATALOG_KINDS = ['system', 'module', 'company', 'site'] as const;
const catalogItem = {
  id: z.string(),
  key: z.string(),
  name: z.string(),
  /** A module's system. */
  systemKey: z.string().optional(),
  /** A site's company. */
  companyKey: z.string().optional(),
  ...byClient,
};
const catalogStatus = z.enum(['active', 'inactive']);
const catalogItemEvents = CATALOG_KINDS.flatMap((kind) => [
  event(`catalog.${kind}_created`, catalogItem),
  event(`catalog.${kind}_updated`, { ...catalogItem, previousName: z.string() }),
  event(`catalog.${kind}_activated`, { ...catalogItem, status: catalogStatus }),
  event(`catalog.${kind}_deactivated`, { ...catalogItem, status: catalogStatus }),
]);

const grant = {
  grantId: z.string(),
  userSub: z.string(),
  scopeType: z.enum(['SITE', 'COMPANY']),
  scopeId: z.string(),
  systemKey: z.string(),
  moduleKey: z.string(),
  actions: z.array(z.string()),
  ...byClient,
};

/** In seed 004's order first (webhookEventTypes lists them so), then ours. */
export const eventCatalog = z.discriminatedUnion('type', [
  event('user.created', {
    email: personal(z.string()).optional(),
    role: z.enum(roles).optional(),
    /** How an account made outside sign-up and provisioning came to be (bootstrap...). */
    via: z.string().optional(),
    ...provisioned,
  }),
  event('user.updated', {
    /** The names of the changed fields, never their values. */
    changed: z.array(z.string()).optional(),
    ...provisioned,
  }),
  event('user.deleted', {
    /**
     * The account's subject (its external subject, else its user id): catalog's grants are keyed by
     * it. An identifier, as permission events' `userSub` is, so not `personal()`. Optional: events
     * recorded before it existed name only the envelope's subject user.
     */
    sub: z.string().optional(),
  }),
  event('user.login', {
    /** Set for an application's code exchange; absent for a credential sign-in. */
    applicationId: z.string().optional(),
    sessionId: z.string().optional(),
  }),
  event('user.logout', { sessionId: z.string() }),
  event('user.login_failed', {
    reason: z.enum(LOGIN_FAILURE_REASONS),
    /** The address tried, for an unknown account. */
    email: personal(z.string()).optional(),
    /** Failures in a row, for a known account. */
    failures: z.number().int().optional(),
  }),
  event('user.login_throttled', { until: z.iso.datetime().optional() }),
  event('user.password_changed', empty),
  event('user.password_setup_issued', { clientId: z.string().optional() }),
  event('user.role_changed', { from: z.enum(roles), to: z.enum(roles) }),
  event('user.activated', empty),
  event('user.deactivated', empty),
  event('user.tenant_changed', { from: z.string(), to: z.string() }),
  event('user.totp_enrolled', empty),
  event('user.totp_disabled', empty),
  /** A verification link or code for the primary address (sign-up, resend) or a new one (change) was sent. */
  event('user.email_verification_sent', {
    purpose: z.enum(['primary', 'new_address']),
    email: personal(z.string()).optional(),
  }),
  event('user.email_verified', { email: personal(z.string()).optional() }),
  /** The new address was verified and replaced the old one (the old address was told). */
  event('user.email_changed', { from: personal(z.string()).optional(), to: personal(z.string()).optional() }),
  /** Recorded for every request, known address or not (an unknown one has no subject: its address says which). */
  event('user.password_reset_requested', {
    email: personal(z.string()).optional(),
    /** Set when nothing was sent because the address or account had its share (cooldown, daily cap). */
    throttled: z.boolean().optional(),
  }),
  /** A reset link set a new password; every session of the account ended. */
  event('user.password_reset', { sessionsEnded: z.number().int() }),
  event('session.refresh_reuse_detected', { sessionId: z.string(), applicationId: z.string().optional() }),
  event('tenant.created', { slug: z.string() }),
  event('application.created', applicationChange),
  event('application.updated', { ...applicationChange, secretRegenerated: z.literal(true).optional() }),
  event('application.deleted', applicationChange),
  event('application.authorized', { ...application, scopes: z.array(z.string()) }),
  event('application.revoked', application),
  event('api_client.created', { clientId: z.string(), name: z.string() }),
  event('api_client.rotated', { clientId: z.string() }),
  event('api_client.disabled', { clientId: z.string() }),
  /** An operator rolled a token signing key over; `immediately` withdrew the keys it names (a leak). */
  event('signing_key.rotated', {
    algorithm: z.enum(['ES256', 'RS256']),
    kid: z.string(),
    immediately: z.boolean(),
    withdrawnKeyIds: z.array(z.string()),
  }),
  ...catalogItemEvents,
  event('permission.granted', { ...grant, replaced: z.boolean() }),
  event('permission.revoked', {
    ...grant,
    /** Set when the grant went with its account (`user.deleted`), not by a revoke. */
    reason: z.enum(['account_deleted']).optional(),
  }),
]);

/** An event as the catalog declares it: its type and its payload. */
export type CatalogEvent = z.output<typeof eventCatalog>;
export type EventType = CatalogEvent['type'];

type PayloadOfType<T extends EventType> =
  z.input<typeof eventCatalog> extends infer E
    ? E extends { type: infer U; payload: infer P }
      ? T extends U
        ? P
        : never
      : never
    : never;
type Payloads = { [T in EventType]: PayloadOfType<T> };
/** What an event of type T carries besides the envelope. */
export type EventPayload<T extends EventType> = Payloads[T];

/** What every catalog item event says of the item. */
export type CatalogItemFields = Omit<EventPayload<'catalog.system_created'>, 'actorClientId'>;
/** What permission.granted and permission.revoked say of a grant. */
export type GrantFields = Omit<EventPayload<'permission.revoked'>, 'actorClientId'>;

const payloadSchemas: ReadonlyMap<string, z.ZodType> = new Map(
  eventCatalog.options.map((option) => [option.shape.type.value, option.shape.payload]),
);

/** Every event type, in the catalog's order. */
export const EVENT_TYPES: readonly EventType[] = eventCatalog.options.map((option) => option.shape.type.value);

/**
 * The payload as it may be copied into the audit log and webhooks: the declared fields without the
 * personal ones.
 */
export function publicPayload(event: CatalogEvent): Record<string, unknown> {
  const schema = payloadSchemas.get(event.type);
  return schema ? (publicPart(schema, event.payload) as Record<string, unknown>) : {};
}
