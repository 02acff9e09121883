import { Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The origin registry: one row per (web origin, client) that may make CORS requests, derived from
 * the client's metadata (`corsOrigins`). It answers "is this origin allowed by any client" for
 * CORS preflights with one indexed lookup.
 */
@Entity({ name: 'client_origin' })
export class ClientOriginEntity {
  @PrimaryColumn({ type: 'text' })
  origin: string;

  @Index()
  @PrimaryColumn({ type: 'text', name: 'client_id' })
  clientId: string;
}
