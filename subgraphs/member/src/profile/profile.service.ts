import { LockMode } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import { explicitAvatarOver } from '../picture/explicit-avatar.js';
import type { Gender } from './gender.js';
import { MemberProfile } from './member-profile.entity.js';
import { recordProfileUpdate } from './profile-events.js';
import type { ProfileOwner } from './profile-owner.js';

/**
 * Self-service profile updates: the rules for each field and the write. Absent (undefined) leaves a
 * field as it is, null clears it, anything else must pass its rule and is stored normalized.
 */
export interface ProfileUpdate {
  readonly avatarUrl?: string | null;
  readonly phone?: string | null;
  readonly language?: string | null;
  readonly currency?: string | null;
  readonly birthDate?: string | null;
  readonly gender?: Gender | null;
  /** Stored unverified: a changed address loses its proof (see the verification folder). */
  readonly businessEmail?: string | null;
  readonly businessPhone?: string | null;
}

export type ProfileChanges = { -readonly [K in keyof ProfileUpdate]?: ProfileUpdate[K] };

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** A rule's verdict: the value to store, or why not. */
export type Checked = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly message: string };

const valid = (value: string): Checked => ({ ok: true, value });
const invalid = (message: string): Checked => ({ ok: false, message });

export const AVATAR_URL_MAX = 2048;
export const EARLIEST_BIRTH_DATE = '1900-01-01';

const e164 = /^\+[1-9]\d{7,14}$/;

export function checkPhone(raw: string): Checked {
  return e164.test(raw) ? valid(raw) : invalid('must be an E.164 number such as +886912345678');
}

const EMAIL_MAX = 254;
const emailSchema = z.email();

/** Stored lower case: mailbox names are case-insensitive in practice, and limits count per address. */
export function checkEmail(raw: string): Checked {
  const value = raw.trim().toLowerCase();
  return value.length <= EMAIL_MAX && emailSchema.safeParse(value).success
    ? valid(value)
    : invalid('must be an e-mail address');
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The latest date that is already today somewhere (UTC+14), so no time zone's "today" is refused. */
function latestToday(now: Date): string {
  return new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
}

export function checkBirthDate(raw: string, now: Date = new Date()): Checked {
  const parts = isoDate.exec(raw);
  if (!parts) return invalid('must be a date in YYYY-MM-DD form');
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2023-02-30 over to March; a real date survives the round trip unchanged.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return invalid('is not a calendar date');
  // Zero-padded YYYY-MM-DD strings order like the dates they name.
  if (raw < EARLIEST_BIRTH_DATE) return invalid(`must not be before ${EARLIEST_BIRTH_DATE}`);
  if (raw > latestToday(now)) return invalid('must not be in the future');
  return valid(raw);
}

export function checkLanguage(raw: string): Checked {
  try {
    const [canonical] = Intl.getCanonicalLocales(raw);
    return canonical ? valid(canonical) : invalid('must be a BCP 47 language tag such as zh-TW');
  } catch {
    // RangeError: not a well-formed tag.
    return invalid('must be a BCP 47 language tag such as zh-TW');
  }
}

let currencies: ReadonlySet<string> | undefined;

export function checkCurrency(raw: string): Checked {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  const code = raw.toUpperCase();
  return /^[A-Z]{3}$/.test(code) && currencies.has(code)
    ? valid(code)
    : invalid('must be an ISO 4217 currency code such as TWD');
}

export function checkAvatarUrl(raw: string): Checked {
  const problem = invalid(`must be an absolute http(s) URL of at most ${AVATAR_URL_MAX} characters`);
  if (raw.length > AVATAR_URL_MAX) return problem;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return problem;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return problem;
  // Stored as the parser normalized it; normalization may percent-encode, so check the length again.
  return url.href.length <= AVATAR_URL_MAX ? valid(url.href) : problem;
}

const textRules = {
  avatarUrl: checkAvatarUrl,
  phone: checkPhone,
  language: checkLanguage,
  currency: checkCurrency,
  birthDate: checkBirthDate,
  businessEmail: checkEmail,
  businessPhone: checkPhone,
} as const satisfies Record<string, (raw: string, now: Date) => Checked>;

/**
 * Checks every present field and returns what to store, or throws VALIDATION_FAILED naming every
 * bad field at once (nothing is written then).
 */
export function validateProfileUpdate(input: ProfileUpdate, now: Date = new Date()): ProfileChanges {
  const changes: ProfileChanges = {};
  const problems: FieldProblem[] = [];
  for (const field of Object.keys(textRules) as (keyof typeof textRules)[]) {
    const raw = input[field];
    if (raw === undefined) continue;
    if (raw === null) {
      changes[field] = null;
      continue;
    }
    const checked = textRules[field](raw, now);
    if (checked.ok) changes[field] = checked.value;
    else problems.push({ field, message: checked.message });
  }
  // GraphQL has already held gender to its enum.
  if (input.gender !== undefined) changes.gender = input.gender;
  if (problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field} ${p.message}`).join('; '), {
      details: { fields: problems },
    });
  }
  return changes;
}

/**
 * The owner's profile row, created when missing, locked for the rest of the transaction: concurrent
 * writers of one profile apply one after the other, each on fresh values.
 */
export async function ensureProfile(tx: EntityManager, owner: ProfileOwner, now: Date = new Date()) {
  // ON CONFLICT DO NOTHING: a concurrent first write waits for the other's insert to commit and then
  // finds the row, where a plain insert would fail on the primary key.
  await tx
    .createQueryBuilder(MemberProfile)
    .insert({ userId: owner.userId, tenantId: owner.tenantId, createdAt: now, updatedAt: now })
    .onConflict('userId')
    .ignore()
    .execute();
  return tx.findOneOrFail(
    MemberProfile,
    { userId: owner.userId },
    { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
  );
}

/** Validates, then writes the owner's profile in one transaction, creating the row when missing. */
export async function updateOwnProfile(
  em: EntityManager,
  owner: ProfileOwner,
  input: ProfileUpdate,
  now: Date = new Date(),
): Promise<MemberProfile> {
  const changes = validateProfileUpdate(input, now);
  return em.transactional(async (tx) => {
    const profile = await ensureProfile(tx, owner, now);
    // A proof holds for the address it was made for: another address starts unverified.
    if (changes.businessEmail !== undefined && changes.businessEmail !== profile.businessEmail)
      profile.businessEmailVerifiedAt = null;
    if (changes.businessPhone !== undefined && changes.businessPhone !== profile.businessPhone)
      profile.businessPhoneVerifiedAt = null;
    // One avatar source: an explicit URL replaces the uploaded picture, clearing removes it too.
    let pictureRemoved = false;
    if (changes.avatarUrl !== undefined)
      ({ avatarUrl: changes.avatarUrl, pictureRemoved } = await explicitAvatarOver(
        tx,
        owner.userId,
        changes.avatarUrl,
      ));
    const changed: string[] = (Object.keys(changes) as (keyof ProfileChanges)[]).filter(
      (key) => changes[key] !== profile[key],
    );
    if (pictureRemoved && !changed.includes('avatarUrl')) changed.push('avatarUrl');
    tx.assign(profile, pictureRemoved ? { ...changes, updatedAt: now } : changes);
    recordProfileUpdate(tx, owner, changed);
    return profile;
  });
}
