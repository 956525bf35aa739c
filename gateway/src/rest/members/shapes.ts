import { z } from 'zod';
import type { MemberMeFieldsFragment } from '../../generated/graphql.js';

/** Errors every seed 003 route documents. */
export const memberRouteErrors = {
  401: '29501000: no valid bearer token (or, in development only, no X-Tenant-ID + X-UID)',
  500: '29201000 database error; 29601000 internal error',
  501: '29605000: the feature is not configured here',
} as const;

const unixMillis = z.number().int().describe('Unix time in milliseconds');

/** seed 003 `MemberMeData`; `omitempty` fields are left out when empty. */
export const memberMeData = z.object({
  tenant_id: z.string(),
  uid: z.string().describe('The member (user) id, the `sub` of its access tokens'),
  zitadel_email: z.string().optional().describe('The e-mail address the member signs in with'),
  display_name: z.string().optional(),
  avatar: z.string().optional().describe('Absolute URL of the picture'),
  phone: z.string().optional().describe('E.164'),
  language: z.string().optional().describe('BCP 47'),
  currency: z.string().optional().describe('ISO 4217'),
  status: z.enum(['active', 'disabled']),
  origin: z.enum(['local', 'idp']).describe('`idp`: provisioned from an external identity provider (upsert-by-sub)'),
  business_email: z.string().optional(),
  business_email_verified: z.boolean(),
  business_phone: z.string().optional(),
  business_phone_verified: z.boolean(),
  totp_enrolled: z.boolean(),
  create_at: unixMillis,
  update_at: unixMillis,
});

const present = (value: string | null | undefined) => (value ? value : undefined);

export function toMemberMeData(me: MemberMeFieldsFragment, totpEnrolled: boolean): z.input<typeof memberMeData> {
  const profile = me.memberProfile;
  const createdAt = Date.parse(me.createdAt);
  return {
    tenant_id: me.tenantId,
    uid: me.id,
    zitadel_email: me.email,
    display_name: present(me.displayName),
    avatar: present(profile?.avatarUrl),
    phone: present(profile?.phone),
    language: present(profile?.language),
    currency: present(profile?.currency),
    status: me.isActive ? 'active' : 'disabled',
    // identity's `sub` differs from the id exactly when the account came from an external provider.
    origin: me.sub === me.id ? 'local' : 'idp',
    business_email: present(profile?.businessEmail),
    business_email_verified: profile?.businessEmailVerified ?? false,
    business_phone: present(profile?.businessPhone),
    business_phone_verified: profile?.businessPhoneVerified ?? false,
    totp_enrolled: totpEnrolled,
    create_at: createdAt,
    update_at: profile ? Date.parse(profile.updatedAt) : createdAt,
  };
}
