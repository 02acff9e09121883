import type { ClientsApi, OriginAllowed, OriginAllowedRequest } from '@argus/contracts';
import { buildEvent, InProcessEventBus } from '@argus/events';
import { CorsOriginRegistry } from './cors-origin-registry';

/** The one clients-service method the registry calls, counting the calls. */
class CountingClients implements Pick<ClientsApi, 'originAllowed'> {
  readonly asked: OriginAllowedRequest[] = [];
  allowedOrigins = new Set(['https://spa.example.com']);
  failNext = false;

  async originAllowed(request: OriginAllowedRequest): Promise<OriginAllowed> {
    this.asked.push(request);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('clients service down');
    }
    return { allowed: this.allowedOrigins.has(request.origin) };
  }
}

describe(CorsOriginRegistry.name, () => {
  let clients: CountingClients;
  let bus: InProcessEventBus;
  let registry: CorsOriginRegistry;

  beforeEach(() => {
    clients = new CountingClients();
    bus = new InProcessEventBus();
    registry = new CorsOriginRegistry(clients as unknown as ClientsApi, bus);
    registry.onModuleInit();
  });

  it('asks the clients service once per origin and client, then remembers', async () => {
    expect(await registry.allowed('https://spa.example.com')).toBe(true);
    expect(await registry.allowed('https://spa.example.com')).toBe(true);
    expect(await registry.allowed('https://spa.example.com', 'c1')).toBe(true);
    expect(await registry.allowed('https://evil.example.com')).toBe(false);
    expect(await registry.allowed('https://evil.example.com')).toBe(false);
    expect(clients.asked).toEqual([{ origin: 'https://spa.example.com' }, { origin: 'https://spa.example.com', client_id: 'c1' }, { origin: 'https://evil.example.com' }]);
  });

  it('forgets every answer when a client changes (client.* events)', async () => {
    expect(await registry.allowed('https://new.example.com')).toBe(false);
    clients.allowedOrigins.add('https://new.example.com');
    await bus.publish(buildEvent('clients', 'client.updated', 'c1', { client_id: 'c1' }));
    expect(await registry.allowed('https://new.example.com')).toBe(true);
    expect(clients.asked).toHaveLength(2);
  });

  it('does not remember a failed lookup', async () => {
    clients.failNext = true;
    await expect(registry.allowed('https://spa.example.com')).rejects.toThrow('down');
    expect(await registry.allowed('https://spa.example.com')).toBe(true);
    expect(clients.asked).toHaveLength(2);
  });
});
