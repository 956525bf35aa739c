import type { UserPrincipal } from '../../../../lib/auth/principal.js';
import type { SecretBox } from '../../../../lib/crypto/secret-box.js';
import { afterCommit } from '../../../../lib/db/after-commit.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { isUuid } from '../../../../lib/db/uuid.js';
import { AppError } from '../../../../lib/errors/index.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import { assertPublicHost, ForbiddenTargetError } from './address-guard.js';
import { ALL_EVENTS, isSubscribableEvent } from './event-types.js';
import { generateWebhookSecret } from './signing.js';
import type { WebhookSettings } from './settings.js';
import { auditableUrl, auditWebhookChange } from './webhook-audit.js';
import { WebhookEndpoint } from './webhook.entities.js';

export interface WebhookEndpointInput {
  readonly url?: string | null;
  readonly events?: readonly string[] | null;
  readonly description?: string | null;
}

export interface IssuedWebhookSecret {
  readonly endpoint: WebhookEndpoint;
  /** Shown once; stored sealed. */
  readonly secret: string;
}

const MAX_URL_LENGTH = 2048;
const MAX_EVENTS = 100;
const MAX_DESCRIPTION = 500;

export function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field} ${message}`, { details: { fields: [{ field, message }] } });
}

/** Webhook endpoints: created, changed, rotated, disabled and enabled by system admins, each audited. */
export class WebhookEndpointService {
  constructor(
    private readonly settings: WebhookSettings,
    private readonly secrets: SecretBox,
    /** Told once an endpoint enabled again is committed: its pending deliveries are due (wakes the worker). */
    private readonly onDue: () => void = () => undefined,
  ) {}

  async create(em: EntityManager, admin: UserPrincipal, input: WebhookEndpointInput, origin: RequestOrigin) {
    if (input.url == null) throw invalid('url', 'is required');
    if (input.events == null) throw invalid('events', 'is required');
    const url = await this.checkUrl(input.url);
    const events = checkEvents(input.events);
    const secret = generateWebhookSecret();
    const endpoint = em.create(WebhookEndpoint, {
      url,
      events,
      description: checkDescription(input.description),
      secretSealed: this.secrets.seal(secret),
      createdBy: admin.userId,
    });
    auditWebhookChange(
      em,
      'webhook.endpoint_created',
      { userId: admin.userId, origin },
      {
        endpointId: endpoint.id,
        url: auditableUrl(url),
        events,
      },
    );
    await em.flush();
    return { endpoint, secret } satisfies IssuedWebhookSecret;
  }

  list(em: EntityManager): Promise<WebhookEndpoint[]> {
    return em.find(WebhookEndpoint, {}, { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  async find(em: EntityManager, id: string): Promise<WebhookEndpoint> {
    const endpoint = isUuid(id) ? await em.findOne(WebhookEndpoint, { id }) : null;
    if (!endpoint) throw new AppError('NOT_FOUND', 'No such webhook endpoint');
    return endpoint;
  }

  /** Only the given fields change; `description: null` clears it. */
  async update(
    em: EntityManager,
    admin: UserPrincipal,
    id: string,
    input: WebhookEndpointInput,
    origin: RequestOrigin,
  ): Promise<WebhookEndpoint> {
    const endpoint = await this.find(em, id);
    const changed: string[] = [];
    if (input.url != null) {
      const url = await this.checkUrl(input.url);
      if (url !== endpoint.url) {
        endpoint.url = url;
        changed.push('url');
      }
    }
    if (input.events != null) {
      const events = checkEvents(input.events);
      if (events.join() !== endpoint.events.join()) {
        endpoint.events = events;
        changed.push('events');
      }
    }
    if (input.description !== undefined) {
      const description = checkDescription(input.description);
      if (description !== (endpoint.description ?? null)) {
        endpoint.description = description;
        changed.push('description');
      }
    }
    if (changed.length > 0) {
      auditWebhookChange(
        em,
        'webhook.endpoint_updated',
        { userId: admin.userId, origin },
        {
          endpointId: endpoint.id,
          changed,
          url: auditableUrl(endpoint.url),
          events: endpoint.events,
        },
      );
      await em.flush();
    }
    return endpoint;
  }

  /** A new secret; the previous one keeps signing (as a second signature) for the grace period. */
  async rotate(em: EntityManager, admin: UserPrincipal, id: string, origin: RequestOrigin) {
    const endpoint = await this.find(em, id);
    await em.populate(endpoint, ['secretSealed']);
    const secret = generateWebhookSecret();
    endpoint.previousSecretSealed = endpoint.secretSealed;
    endpoint.previousSecretExpiresAt = new Date(Date.now() + this.settings.rotationGraceMs);
    endpoint.secretSealed = this.secrets.seal(secret);
    endpoint.secretRotatedAt = new Date();
    auditWebhookChange(
      em,
      'webhook.endpoint_secret_rotated',
      { userId: admin.userId, origin },
      {
        endpointId: endpoint.id,
        previousSecretValidUntil: endpoint.previousSecretExpiresAt.toISOString(),
      },
    );
    await em.flush();
    return { endpoint, secret } satisfies IssuedWebhookSecret;
  }

  /**
   * Disabled: no new deliveries are created for it and pending ones wait; enabling resumes them
   * (and resets the failure count, so a repaired receiver starts with a clean slate).
   */
  async setEnabled(
    em: EntityManager,
    admin: UserPrincipal,
    id: string,
    enabled: boolean,
    origin: RequestOrigin,
  ): Promise<WebhookEndpoint> {
    const endpoint = await this.find(em, id);
    if (endpoint.enabled === enabled) return endpoint;
    Object.assign(
      endpoint,
      enabled
        ? { enabled, disabledAt: null, disabledReason: null, failedDeliveriesInRow: 0 }
        : { enabled, disabledAt: new Date(), disabledReason: 'manual' },
    );
    auditWebhookChange(
      em,
      enabled ? 'webhook.endpoint_enabled' : 'webhook.endpoint_disabled',
      { userId: admin.userId, origin },
      { endpointId: endpoint.id, url: auditableUrl(endpoint.url), ...(enabled ? {} : { reason: 'manual' }) },
    );
    if (enabled) afterCommit(em, async () => this.onDue());
    await em.flush();
    return endpoint;
  }

  /** https (http too outside production), no credentials, and (with the guard on) a public host. */
  private async checkUrl(raw: string): Promise<string> {
    const text = raw.trim();
    if (text.length > MAX_URL_LENGTH) throw invalid('url', `must be at most ${MAX_URL_LENGTH} characters`);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw invalid('url', 'must be an absolute URL');
    }
    const schemes = this.settings.requireHttps ? ['https:'] : ['https:', 'http:'];
    if (!schemes.includes(url.protocol))
      throw invalid('url', `must use ${schemes.map((s) => s.slice(0, -1)).join(' or ')}`);
    if (url.username || url.password) throw invalid('url', 'must not contain credentials');
    if (url.hash) throw invalid('url', 'must not contain a fragment');
    if (!this.settings.allowPrivateTargets) {
      try {
        await assertPublicHost(url.hostname);
      } catch (error) {
        if (error instanceof ForbiddenTargetError) {
          throw invalid('url', `must reach a public address (${error.address} is ${error.reason})`);
        }
        throw invalid('url', 'has a host that does not resolve');
      }
    }
    return url.toString();
  }
}

function checkEvents(events: readonly string[]): string[] {
  const unique = [...new Set(events.map((e) => e.trim()))];
  if (unique.length === 0) throw invalid('events', 'must name at least one event type (or * for all)');
  if (unique.length > MAX_EVENTS) throw invalid('events', `must name at most ${MAX_EVENTS} event types`);
  const unknown = unique.filter((e) => !isSubscribableEvent(e));
  if (unknown.length > 0) throw invalid('events', `has unknown event types: ${unknown.join(', ')}`);
  return unique.includes(ALL_EVENTS) ? [ALL_EVENTS] : unique.sort();
}

function checkDescription(description: string | null | undefined): string | null {
  const text = description?.trim() ?? '';
  if (text.length > MAX_DESCRIPTION) throw invalid('description', `must be at most ${MAX_DESCRIPTION} characters`);
  return text === '' ? null : text;
}
