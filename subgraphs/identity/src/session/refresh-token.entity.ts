import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { Session } from './session.entity.js';

/**
 * One refresh token of a session's family. Only its SHA-256 is stored (the token is 256 random bits,
 * so a fast hash is enough). Each use rotates it: `usedAt` is set and a successor issued.
 */
@Entity({ tableName: 'refresh_token' })
export class RefreshToken {
  [OptionalProps]?: 'id' | 'createdAt' | 'usedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Session, { ref: true, deleteRule: 'cascade' })
  @Index()
  session!: Ref<Session>;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  /** Set when rotated; presenting it again is reuse. */
  @Property({ type: 'timestamptz', nullable: true })
  usedAt?: Date | null;
}
