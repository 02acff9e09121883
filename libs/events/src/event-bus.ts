import { cloudEventType, type CloudEvent } from '@argus/contracts';
import { randomUUID } from 'node:crypto';

/** May return a promise (awaited where the bus can: in-process publish, replay). */
export type EventHandler = (event: CloudEvent) => unknown;

/**
 * Publishes CloudEvents and fans them out to every interested instance. `publish` resolves
 * only when the event is durable where the topology makes it so (JetStream ack when distributed).
 */
export abstract class EventBus {
  abstract publish(event: CloudEvent): Promise<void>;

  /** `type` is an event type such as `token.revoked`, or `client.*` for a whole area. */
  abstract subscribe(type: string, handler: EventHandler): void;

  /**
   * Delivers every retained event of `type` (oldest first), then every new one, also across
   * reconnects; resolves once the retained history has been handed to `handler`. For state that
   * must not miss an event (the denylist): the handler must be idempotent, as an event can come
   * both here and through `subscribe`.
   */
  abstract replay(type: string, handler: EventHandler): Promise<void>;

  /** `handler` runs whenever plain subscriptions may have missed events (a NATS reconnect): drop caches. */
  abstract onMissedEvents(handler: () => void): void;
}

export function buildEvent<T extends object>(source: string, type: string, subject: string, data: T): CloudEvent {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: `/argus/${source}`,
    type: cloudEventType(type),
    time: new Date().toISOString(),
    subject,
    datacontenttype: 'application/json',
    data: data as Record<string, unknown>,
  };
}

/** The type without the `argus.` prefix, e.g. `token.revoked`. */
export function shortType(event: CloudEvent): string {
  return event.type.replace(/^argus\./, '');
}

export function matchesType(pattern: string, type: string): boolean {
  return pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}
