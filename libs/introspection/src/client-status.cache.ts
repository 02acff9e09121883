import { ClientsContract, type ClientsApi } from '@argus/contracts';
import { Inject, Injectable } from '@nestjs/common';

/**
 * Whether each client is still registered and enabled. Filled on first sight from the clients
 * service, then kept current by client events, so the steady state reads no database.
 */
@Injectable()
export class ClientStatusCache {
  private readonly enabled = new Map<string, boolean>();

  constructor(@Inject(ClientsContract.token) private readonly clients: ClientsApi) {}

  async isEnabled(clientId: string): Promise<boolean> {
    const known = this.enabled.get(clientId);
    if (known !== undefined) return known;
    const status = await this.clients.status({ client_id: clientId });
    const enabled = status.exists && status.enabled;
    this.enabled.set(clientId, enabled);
    return enabled;
  }

  set(clientId: string, enabled: boolean): void {
    this.enabled.set(clientId, enabled);
  }

  forget(clientId: string): void {
    this.enabled.delete(clientId);
  }
}
