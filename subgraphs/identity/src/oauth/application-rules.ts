import { AppError } from '../../../../lib/errors/index.js';
import {
  DEFAULT_ID_TOKEN_SIGNING_ALGORITHM,
  type IdTokenSigningAlgorithm,
} from '../../../../lib/oidc/id-token-algorithms.js';
import type { ClientType } from './application.entity.js';
import { redirectUriProblem, type RedirectUriPolicy } from './redirect-uri.js';

export interface ApplicationThemeInput {
  readonly primaryColor?: string | null;
  readonly secondaryColor?: string | null;
  readonly logoUrl?: string | null;
  readonly backgroundImageUrl?: string | null;
}

/** An update: an absent field is left as it is, null clears an optional one. */
export interface ApplicationChanges {
  readonly name?: string | null;
  readonly description?: string | null;
  readonly redirectUris?: readonly string[] | null;
  readonly postLogoutRedirectUris?: readonly string[] | null;
  /** null puts back the default (ES256). */
  readonly idTokenSigningAlgorithm?: IdTokenSigningAlgorithm | null;
  readonly allowedOrigins?: readonly string[] | null;
  readonly theme?: ApplicationThemeInput | null;
}

export interface ApplicationInput extends ApplicationChanges {
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly clientType?: ClientType | null;
}

/** The columns a valid input sets; only the fields the input named. */
export interface CheckedChanges {
  name?: string;
  description?: string | null;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  idTokenSigningAlgorithm?: IdTokenSigningAlgorithm;
  allowedOrigins?: string[];
  primaryColor?: string | null;
  secondaryColor?: string | null;
  logoUrl?: string | null;
  backgroundImageUrl?: string | null;
}

const MAX_REDIRECT_URIS = 20;
const MAX_ORIGINS = 20;
const colorPattern = /^#[0-9a-f]{6}$/i;

interface Problem {
  readonly field: string;
  readonly message: string;
}

function checkOrigin(origin: string, policy: RedirectUriPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `has an entry that is not an origin: ${origin}`;
  }
  if (!/^https?:$/.test(url.protocol) || url.origin !== origin.replace(/\/$/, '')) {
    return `entries must be bare origins like https://app.example.com: ${origin}`;
  }
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  if (url.protocol === 'http:' && !loopback && !policy.allowInsecure) return `entries must use https: ${origin}`;
  return undefined;
}

/** Theme images are loaded by the hosted pages: https only, so a page never mixes content. */
function checkImageUrl(value: string): string | undefined {
  if (value.length > 2000) return 'is longer than 2000 characters';
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' || url.username || url.password) return 'must be an https URL';
  } catch {
    return 'must be an https URL';
  }
  return undefined;
}

/**
 * Checks and normalises what an administrator submits, reporting every problem at once (with the
 * GraphQL field names; the REST layer renames them).
 */
export function checkChanges(input: ApplicationChanges, policy: RedirectUriPolicy): CheckedChanges {
  const problems: Problem[] = [];
  const out: CheckedChanges = {};
  if (input.name !== undefined) {
    const name = (input.name ?? '').trim();
    if (name.length < 1 || name.length > 100) problems.push({ field: 'name', message: 'must be 1 to 100 characters' });
    out.name = name;
  }
  if (input.description !== undefined) {
    const description = input.description?.trim() || null;
    if (description && description.length > 1000) {
      problems.push({ field: 'description', message: 'must be at most 1000 characters' });
    }
    out.description = description;
  }
  if (input.redirectUris !== undefined) {
    const uris = [...new Set(input.redirectUris ?? [])];
    if (uris.length < 1 || uris.length > MAX_REDIRECT_URIS) {
      problems.push({ field: 'redirectUris', message: `must list 1 to ${MAX_REDIRECT_URIS} URIs` });
    }
    for (const uri of uris) {
      const problem = redirectUriProblem(uri, policy);
      if (problem) problems.push({ field: 'redirectUris', message: `${problem}: ${uri.slice(0, 200)}` });
    }
    out.redirectUris = uris;
  }
  if (input.postLogoutRedirectUris !== undefined) {
    // May be empty: an application without one is never sent back after logout.
    const uris = [...new Set(input.postLogoutRedirectUris ?? [])];
    if (uris.length > MAX_REDIRECT_URIS) {
      problems.push({ field: 'postLogoutRedirectUris', message: `must list at most ${MAX_REDIRECT_URIS} URIs` });
    }
    for (const uri of uris) {
      const problem = redirectUriProblem(uri, policy);
      if (problem) problems.push({ field: 'postLogoutRedirectUris', message: `${problem}: ${uri.slice(0, 200)}` });
    }
    out.postLogoutRedirectUris = uris;
  }
  if (input.idTokenSigningAlgorithm !== undefined) {
    out.idTokenSigningAlgorithm = input.idTokenSigningAlgorithm ?? DEFAULT_ID_TOKEN_SIGNING_ALGORITHM;
  }
  if (input.allowedOrigins !== undefined) {
    const origins = [...new Set((input.allowedOrigins ?? []).map((o) => o.replace(/\/$/, '')))];
    if (origins.length > MAX_ORIGINS) {
      problems.push({ field: 'allowedOrigins', message: `must list at most ${MAX_ORIGINS} origins` });
    }
    for (const origin of origins) {
      const problem = checkOrigin(origin, policy);
      if (problem) problems.push({ field: 'allowedOrigins', message: problem });
    }
    out.allowedOrigins = origins;
  }
  if (input.theme !== undefined) {
    const theme = input.theme ?? {};
    for (const key of ['primaryColor', 'secondaryColor'] as const) {
      const value = theme[key];
      if (value === undefined && input.theme !== null) continue;
      if (value && !colorPattern.test(value)) {
        problems.push({ field: `theme.${key}`, message: 'must be a colour like #1976d2' });
      }
      out[key] = value ? value.toLowerCase() : null;
    }
    for (const key of ['logoUrl', 'backgroundImageUrl'] as const) {
      const value = theme[key];
      if (value === undefined && input.theme !== null) continue;
      const problem = value ? checkImageUrl(value) : undefined;
      if (problem) problems.push({ field: `theme.${key}`, message: problem });
      out[key] = value || null;
    }
  }
  if (problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field} ${p.message}`).join('; '), {
      details: { fields: problems },
    });
  }
  return out;
}

/** A new application: a name and at least one redirect URI are required. */
export function checkApplication(
  input: ApplicationInput,
  policy: RedirectUriPolicy,
): CheckedChanges & { name: string; redirectUris: string[] } {
  const checked = checkChanges({ allowedOrigins: [], ...input }, policy);
  return { ...checked, name: checked.name ?? '', redirectUris: checked.redirectUris ?? [] };
}
