import { epochSeconds } from '@argus/persistence';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One refresh token of a family (grant); the token itself is a signed JWT naming this row's jti. */
@Entity({ name: 'refresh_token' })
export class RefreshTokenEntity {
  @PrimaryColumn({ type: 'text' })
  jti: string;

  @Index()
  @Column({ type: 'text', name: 'grant_id' })
  grantId: string;

  @Column({ type: 'text', name: 'client_id' })
  clientId: string;

  @Column({ type: 'text' })
  sub: string;

  @Column({ type: 'text' })
  scope: string;

  @Column({ type: 'bigint', name: 'expires_at', transformer: epochSeconds })
  expiresAt: number;

  /** The absolute end of the family (grant): no rotation outlives it. Null on rows from before it existed. */
  @Column({ type: 'bigint', name: 'family_expires_at', nullable: true, transformer: epochSeconds })
  familyExpiresAt: number | null;

  /** Set when the token was exchanged for its successor: using it again is reuse. */
  @Column({ type: 'bigint', name: 'rotated_at', nullable: true, transformer: epochSeconds })
  rotatedAt: number | null;

  @Column({ type: 'bigint', name: 'revoked_at', nullable: true, transformer: epochSeconds })
  revokedAt: number | null;
}
