import { createHash } from 'node:crypto';
import type { SecretBox } from '../../../../lib/crypto/secret-box.js';

export const MFA_TICKET_TTL_MS = 5 * 60_000;

interface TicketBody {
  /** Account id. */
  readonly u: string;
  /** Expiry, Unix ms. */
  readonly e: number;
  /** Fingerprint of the password hash the ticket was earned with: a password change voids it. */
  readonly p: string;
}

const fingerprint = (passwordHash: string) =>
  createHash('sha256').update(passwordHash).digest('base64url').slice(0, 16);

/**
 * Proof that the password step of a sign-in passed, so the second step asks for the code alone and
 * no client (browser page, app) has to keep the password around. Sealed (AES-GCM under SECRET_KEY),
 * short-lived and voided by a password change. It is not single use by itself, but every redemption
 * needs a fresh authenticator code (each time step counts once) or an unused backup code, and wrong
 * codes count toward the account's sign-in throttle.
 */
export class MfaTickets {
  constructor(
    private readonly box: SecretBox,
    private readonly ttlMs = MFA_TICKET_TTL_MS,
  ) {}

  issue(account: { id: string; passwordHash: string }, now = Date.now()): string {
    const body: TicketBody = { u: account.id, e: now + this.ttlMs, p: fingerprint(account.passwordHash) };
    return this.box.seal(JSON.stringify(body));
  }

  /** The account id the ticket was issued to, if it is genuine, unexpired and its password current. */
  redeem(ticket: string, currentPasswordHash: (accountId: string) => string | undefined, now = Date.now()) {
    const body = this.open(ticket);
    if (!body || body.e <= now) return undefined;
    const hash = currentPasswordHash(body.u);
    return hash !== undefined && fingerprint(hash) === body.p ? body.u : undefined;
  }

  /** The account a genuine ticket names (expiry and password not checked yet). */
  accountOf(ticket: string): string | undefined {
    return this.open(ticket)?.u;
  }

  private open(ticket: string): TicketBody | undefined {
    try {
      const body = JSON.parse(this.box.open(ticket)) as Partial<TicketBody>;
      return typeof body.u === 'string' && typeof body.e === 'number' && typeof body.p === 'string'
        ? (body as TicketBody)
        : undefined;
    } catch {
      // Tampered, truncated, or sealed under another key.
      return undefined;
    }
  }
}
