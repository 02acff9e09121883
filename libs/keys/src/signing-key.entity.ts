import { epochSeconds } from '@argus/persistence';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'signing_key' })
export class SigningKeyEntity {
  /** RFC 7638 thumbprint of the public key. */
  @PrimaryColumn({ type: 'text' })
  kid: string;

  @Column({ type: 'text' })
  alg: string;

  @Column({ type: 'text' })
  status: 'next' | 'active' | 'retired';

  @Column({ type: 'text', name: 'public_jwk' })
  publicJwk: string;

  /** The private JWK as a compact JWE (dir + A256GCM under ARGUS_KEK). */
  @Column({ type: 'text', name: 'private_jwe' })
  privateJwe: string;

  @Column({ type: 'bigint', name: 'created_at', transformer: epochSeconds })
  createdAt: number;

  @Column({ type: 'bigint', name: 'activated_at', nullable: true, transformer: epochSeconds })
  activatedAt: number | null;

  @Column({ type: 'bigint', name: 'retired_at', nullable: true, transformer: epochSeconds })
  retiredAt: number | null;
}
