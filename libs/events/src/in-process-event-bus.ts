import type { CloudEvent } from '@argus/contracts';
import { EventBus, matchesType, shortType, type EventHandler } from './event-bus';

/** Standalone topology: events go straight to in-process subscribers. */
export class InProcessEventBus extends EventBus {
  private readonly handlers: { type: string; handler: EventHandler }[] = [];

  async publish(event: CloudEvent): Promise<void> {
    const type = shortType(event);
    for (const { type: pattern, handler } of this.handlers) {
      if (matchesType(pattern, type)) handler(event);
    }
  }

  subscribe(type: string, handler: EventHandler): void {
    this.handlers.push({ type, handler });
  }
}
