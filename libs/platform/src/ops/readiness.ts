import { Injectable } from '@nestjs/common';

export type ReadinessProbe = () => Promise<void>;

/** The things an app needs before it takes traffic (its database, NATS); each module adds its own. */
@Injectable()
export class ReadinessRegistry {
  private readonly probes = new Map<string, ReadinessProbe>();

  register(name: string, probe: ReadinessProbe): void {
    this.probes.set(name, probe);
  }

  entries(): [string, ReadinessProbe][] {
    return [...this.probes.entries()];
  }
}
