import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';

/**
 * A service that calls `/internal/*` (and GraphQL) with `X-Client-Key` + `X-API-Key`. The client key
 * is an identifier; the API key is a secret shown once and stored only as a hash.
 */
@Entity({ tableName: 'api_client' })
export class ApiClient {
  [OptionalProps]?: 'id' | 'createdAt' | 'rotatedAt' | 'disabledAt' | 'expiresAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', unique: true })
  clientKey!: string;

  /** SHA-256 (hex) of the API key: 256 random bits need no slow hash. */
  @Property({ type: 'text', lazy: true })
  apiKeyHash!: string;

  /** The first characters of the key, so admins can tell keys apart. */
  @Property({ type: 'text' })
  apiKeyPrefix!: string;

  @Property({ type: 'timestamptz', nullable: true })
  expiresAt?: Date | null;

  /** Exact origins (scheme://host[:port]); empty allows any. */
  @Property({ type: 'text[]' })
  allowedOrigins!: string[];

  /** IPv4/IPv6 addresses or CIDR ranges; empty allows any. */
  @Property({ type: 'text[]' })
  allowedIps!: string[];

  /** Path globs (`*` within a segment, `**` across); empty allows every /internal path. */
  @Property({ type: 'text[]' })
  allowedPaths!: string[];

  /** What its service principal may do in GraphQL (shield checks them). */
  @Property({ type: 'text[]' })
  scopes!: string[];

  @Property({ type: 'uuid', nullable: true })
  createdBy?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  rotatedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  disabledAt?: Date | null;
}
