import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/postgresql';
import { Gender } from './gender.js';

/** The member side of a user: what the person says about themselves. Keyed by identity's user id. */
@Entity({ tableName: 'member_profile' })
export class MemberProfile {
  [OptionalProps]?:
    | 'createdAt'
    | 'updatedAt'
    | 'singleSignOn'
    | 'shareName'
    | 'shareGender'
    | 'shareBirthDate'
    | 'shareEmail'
    | 'sharePhone';

  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'uuid' })
  @Index()
  tenantId!: string;

  @Property({ type: 'text', nullable: true })
  avatarUrl?: string | null;

  /** E.164. */
  @Property({ type: 'text', nullable: true })
  phone?: string | null;

  /** BCP 47. */
  @Property({ type: 'text', nullable: true })
  language?: string | null;

  /** ISO 4217. */
  @Property({ type: 'text', nullable: true })
  currency?: string | null;

  /** Calendar date, `YYYY-MM-DD`: a PostgreSQL `date`, which MikroORM reads back as that string. */
  @Property({ type: 'date', nullable: true })
  birthDate?: string | null;

  @Enum({ items: () => Gender, nativeEnumName: 'gender', nullable: true })
  gender?: Gender | null;

  /** A work address the member proved they receive mail at (or not yet: see the verified time). */
  @Property({ type: 'text', nullable: true })
  businessEmail?: string | null;

  /** When `businessEmail` was proven; cleared whenever the address changes. */
  @Property({ type: 'timestamptz', nullable: true })
  businessEmailVerifiedAt?: Date | null;

  /** E.164. */
  @Property({ type: 'text', nullable: true })
  businessPhone?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  businessPhoneVerifiedAt?: Date | null;

  // What the member lets applications see (seed 004 `/users/me/permissions`); defaults as documented.
  @Property({ type: 'boolean', default: true })
  singleSignOn: boolean = true;

  @Property({ type: 'boolean', default: true })
  shareName: boolean = true;

  @Property({ type: 'boolean', default: false })
  shareGender: boolean = false;

  @Property({ type: 'boolean', default: false })
  shareBirthDate: boolean = false;

  @Property({ type: 'boolean', default: true })
  shareEmail: boolean = true;

  @Property({ type: 'boolean', default: false })
  sharePhone: boolean = false;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
