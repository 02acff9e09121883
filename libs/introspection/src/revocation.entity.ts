import { epochSeconds } from '@argus/persistence';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One denylisted token (`jti`) or grant (`grant_id`), kept until the token it names has expired. */
@Entity({ name: 'revocation' })
export class RevocationEntity {
  /** `jti:<jti>` or `grant:<grant_id>`. */
  @PrimaryColumn({ type: 'text', name: 'entry' })
  key: string;

  @Column({ type: 'text', name: 'client_id' })
  clientId: string;

  @Index()
  @Column({ type: 'bigint', name: 'expires_at', transformer: epochSeconds })
  expiresAt: number;

  @Column({ type: 'bigint', name: 'revoked_at', transformer: epochSeconds })
  revokedAt: number;
}
