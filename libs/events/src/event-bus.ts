import { cloudEventType, type CloudEvent } from '@argus/contracts';
import { randomUUID } from 'node:crypto';

export type EventHandler = (event: CloudEvent) => void;

/**
 * Publishes CloudEvents and fans them out to every interested instance. `publish` resolves
 * only when the event is durable where the topology makes it so (JetStream ack when distributed).
 */
export abstract class EventBus {
  abstract publish(event: CloudEvent): Promise<void>;

  /** `type` is an event type such as `token.revoked`, or `client.*` for a whole area. */
  abstract subscribe(type: string, handler: EventHandler): void;
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
