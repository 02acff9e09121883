import type { CloudEvent } from '@argus/contracts';
import { EventBus, matchesType, shortType, type EventHandler } from './event-bus';

/**
 * Standalone topology: events go straight to in-process subscribers. `publish` resolves once
 * every handler has finished (an async handler persisting a revocation included), so what a
 * handler stores is durable before the publisher goes on.
 */
export class InProcessEventBus extends EventBus {
  private readonly handlers: { type: string; handler: EventHandler }[] = [];

  async publish(event: CloudEvent): Promise<void> {
    const type = shortType(event);
    const pending: Promise<unknown>[] = [];
    for (const { type: pattern, handler } of this.handlers) {
      if (matchesType(pattern, type)) {
        const result = handler(event);
        if (result instanceof Promise) pending.push(result);
      }
    }
    await Promise.all(pending);
  }

  subscribe(type: string, handler: EventHandler): void {
    this.handlers.push({ type, handler });
  }

  /** One process: no history to replay (durable state lives in the tables), nothing is ever missed. */
  async replay(type: string, handler: EventHandler): Promise<void> {
    this.subscribe(type, handler);
  }

  onMissedEvents(): void {}
}
