import type { Contract } from '@argus/contracts';
import { Global, Module, type DynamicModule, type OnApplicationShutdown, type Provider, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ClientProxy } from '@nestjs/microservices';
import { ArgusConfig } from '../config/argus-config';
import { createNatsClient, NATS_CLIENT } from './nats-client';
import { createNatsProxy } from './nats-proxy';

export interface ContractBinding {
  contract: Contract<unknown>;
  /** The in-process implementation, used when NATS_URL is unset. */
  local?: Type<unknown>;
}

/**
 * Binds each contract's token either to its local service class (NATS_URL unset: standalone)
 * or to a NATS proxy (NATS_URL set: distributed). Callers inject the token and never know which.
 */
@Global()
@Module({})
export class ContractBindingModule implements OnApplicationShutdown {
  constructor(private readonly moduleRef: ModuleRef) {}

  static forRoot(appName: string, bindings: ContractBinding[]): DynamicModule {
    const natsClient: Provider = {
      provide: NATS_CLIENT,
      inject: [ArgusConfig],
      useFactory: (config: ArgusConfig) => (config.NATS_URL ? createNatsClient(config.NATS_URL, appName) : null),
    };
    const contractProviders: Provider[] = bindings.map(({ contract, local }) => ({
      provide: contract.token,
      inject: [ArgusConfig, NATS_CLIENT, ModuleRef],
      useFactory: (config: ArgusConfig, client: ClientProxy | null, moduleRef: ModuleRef) => {
        if (config.distributed && client) return createNatsProxy(client, contract);
        if (!local) throw new Error(`${appName}: the ${contract.service} contract needs NATS_URL (no local implementation here)`);
        return lazyLocal(moduleRef, local);
      },
    }));
    return {
      module: ContractBindingModule,
      providers: [natsClient, ...contractProviders],
      exports: [NATS_CLIENT, ...bindings.map((b) => b.contract.token)],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    const client = this.moduleRef.get<ClientProxy | null>(NATS_CLIENT, { strict: false });
    await client?.close();
  }
}

/** Resolves the local service on first use, so modules can depend on each other's contracts. */
function lazyLocal(moduleRef: ModuleRef, local: Type<unknown>): unknown {
  let instance: Record<string | symbol, unknown> | undefined;
  const bound = new Map<string | symbol, unknown>();
  return new Proxy(
    {},
    {
      get(_target, property) {
        // Nest awaits factory results: do not look like a thenable.
        if (property === 'then') return undefined;
        if (bound.has(property)) return bound.get(property);
        instance ??= moduleRef.get(local, { strict: false }) as Record<string | symbol, unknown>;
        const value = instance[property];
        const result = typeof value === 'function' ? value.bind(instance) : value;
        bound.set(property, result);
        return result;
      },
    },
  );
}
