import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';

export const NATS_CLIENT = Symbol('NATS_CLIENT');

export function createNatsClient(url: string, name: string): ClientProxy {
  return ClientProxyFactory.create({
    transport: Transport.NATS,
    options: { servers: [url], name: `${name}-client`, maxReconnectAttempts: -1 },
  });
}
