import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/postgresql';
import { Gender } from './gender.js';

/** The member side of a user: what the person says about themselves. Keyed by identity's user id. */
@Entity({ tableName: 'member_profile' })
export class MemberProfile {
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'uuid' })
  @Index()
  tenantId!: string;

  @Property({ type: 'text', nullable: true })
  displayName?: string | null;

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

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
