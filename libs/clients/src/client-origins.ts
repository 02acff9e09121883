import type { ClientMetadata, OriginAllowed, OriginAllowedRequest } from '@argus/contracts';
import { InvalidRequest } from '@argus/oauth';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ClientOriginEntity } from './client-origin.entity';
import { ClientEntity } from './client.entity';
import { corsOrigins } from './client-metadata';

/** Longer than any origin a browser sends for a registered client (hosts are at most 253 chars). */
const MAX_ORIGIN_LENGTH = 300;

/**
 * Which web origins may call the token-style endpoints (CORS). A client's own origins come from
 * its metadata, the source of truth; the registry table (written after the client row) answers
 * the preflight question "allowed by any client", which grants nothing by itself: the actual
 * response is allowed only for the request's own client.
 */
@Injectable()
export class ClientOrigins {
  constructor(
    @InjectRepository(ClientOriginEntity, 'clients') private readonly registry: Repository<ClientOriginEntity>,
    @InjectRepository(ClientEntity, 'clients') private readonly clients: Repository<ClientEntity>,
  ) {}

  /** Brings the registry in step with a client's metadata after a create or update. */
  async record(clientId: string, metadata: ClientMetadata): Promise<void> {
    await this.registry.delete({ clientId });
    const rows = corsOrigins(metadata).map((origin) => ({ origin, clientId }));
    // orIgnore: two concurrent updates of one client may both insert the same row.
    if (rows.length > 0) await this.registry.createQueryBuilder().insert().values(rows).orIgnore().execute();
  }

  async forget(clientId: string): Promise<void> {
    await this.registry.delete({ clientId });
  }

  async allowed({ origin, client_id }: OriginAllowedRequest): Promise<OriginAllowed> {
    if (typeof origin !== 'string' || origin.length === 0 || origin.length > MAX_ORIGIN_LENGTH) {
      throw new InvalidRequest(`origin must be a string of 1 to ${MAX_ORIGIN_LENGTH} characters`);
    }
    if (client_id === undefined) return { allowed: await this.registry.exists({ where: { origin } }) };
    const client = await this.clients.findOne({ where: { clientId: client_id }, select: { clientId: true, metadata: true } });
    return { allowed: client !== null && corsOrigins(JSON.parse(client.metadata) as ClientMetadata).includes(origin) };
  }
}
