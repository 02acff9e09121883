import { epochSeconds } from '@argus/persistence';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'client' })
export class ClientEntity {
  @PrimaryColumn({ type: 'text', name: 'client_id' })
  clientId: string;

  /** RFC 7591 metadata and platform fields as JSON (never a secret). */
  @Column({ type: 'text' })
  metadata: string;

  @Index()
  @Column({ type: 'text', nullable: true })
  owner: string | null;

  @Column({ type: 'boolean' })
  enabled: boolean;

  /** argon2id hash of the current secret; null for public clients. */
  @Column({ type: 'text', name: 'secret_hash', nullable: true })
  secretHash: string | null;

  /** The secret before the last rotation, valid until `previous_secret_expires_at`. */
  @Column({ type: 'text', name: 'previous_secret_hash', nullable: true })
  previousSecretHash: string | null;

  @Column({ type: 'bigint', name: 'previous_secret_expires_at', nullable: true, transformer: epochSeconds })
  previousSecretExpiresAt: number | null;

  @Column({ type: 'bigint', name: 'created_at', transformer: epochSeconds })
  createdAt: number;

  @Column({ type: 'bigint', name: 'updated_at', transformer: epochSeconds })
  updatedAt: number;
}
