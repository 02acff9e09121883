import { ClientsContract, EventTypes, type ClientChangedData, type ClientsApi } from '@argus/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { ReadThroughCache } from './read-through-cache';

export interface ClientState {
  enabled: boolean;
  /** The client's registered scope; undefined when the clients service does not report it. */
  scope?: string[];
}

const GONE: ClientState = { enabled: false, scope: [] };

/**
 * Whether each client is still registered and enabled, and its current scope. Filled on first
 * sight from the clients service (durable: a restarted instance reads the truth), then kept
 * current by client events.
 */
@Injectable()
export class ClientStatusCache {
  private readonly cache: ReadThroughCache<ClientState>;

  constructor(@Inject(ClientsContract.token) clients: ClientsApi) {
    this.cache = new ReadThroughCache(async (clientId) => {
      const status = await clients.status({ client_id: clientId });
      return status.exists ? { enabled: status.enabled, scope: status.scope } : GONE;
    });
  }

  get(clientId: string): Promise<ClientState> {
    return this.cache.get(clientId);
  }

  /** A deletion or a disable takes effect at once; any other change is read again on next sight. */
  apply(type: string, data: ClientChangedData): void {
    if (type === EventTypes.clientDeleted || data.enabled === false) this.cache.set(data.client_id, GONE);
    else this.cache.forget(data.client_id);
  }

  clear(): void {
    this.cache.clear();
  }
}
