import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/postgresql';

/**
 * An uploaded profile picture. Kept in PostgreSQL so every replica serves the same bytes without a
 * shared disk; pictures are small (see PROFILE_PICTURE_MAX_BYTES) and read through a long-lived cache.
 */
@Entity({ tableName: 'profile_picture' })
export class ProfilePicture {
  [OptionalProps]?: 'uploadedAt';

  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'uuid' })
  tenantId!: string;

  /** Detected from the bytes, never taken from the upload's declared type. */
  @Property({ type: 'text' })
  contentType!: string;

  @Property({ type: 'blob', lazy: true })
  bytes!: Buffer;

  @Property({ type: 'integer' })
  byteLength!: number;

  /** Hex SHA-256 of the bytes: the picture's URL and ETag, so a new upload gets a new URL. */
  @Property({ type: 'text' })
  sha256!: string;

  @Property({ type: 'timestamptz' })
  uploadedAt: Date = new Date();
}
