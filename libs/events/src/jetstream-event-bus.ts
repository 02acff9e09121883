import { EVENTS_STREAM, EVENTS_SUBJECT_ROOT, eventSubject, type CloudEvent } from '@argus/contracts';
import { JSONCodec, RetentionPolicy, StorageType, type JetStreamClient, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { EventBus, shortType, type EventHandler } from './event-bus';

const codec = JSONCodec<CloudEvent>();
const MAX_AGE_NS = 7 * 24 * 3600 * 1e9;

/**
 * Distributed topology. Publishing goes through JetStream and waits for its ack (strict audit).
 * Subscribers listen on plain NATS without a queue group, so every instance sees every event,
 * and in publish order relative to the publisher's later replies: an instance hears a
 * revocation before it can be asked about the revoked token.
 */
export class JetStreamEventBus extends EventBus {
  private readonly jetstream: JetStreamClient;

  constructor(
    private readonly nats: NatsConnection,
    private readonly logger: Logger,
    private readonly strict: boolean,
  ) {
    super();
    this.jetstream = nats.jetstream();
  }

  /** Creates the stream, or widens an existing one to the expected subjects. */
  async ensureStream(): Promise<void> {
    const manager = await this.nats.jetstreamManager();
    const config = {
      name: EVENTS_STREAM,
      subjects: [`${EVENTS_SUBJECT_ROOT}.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: MAX_AGE_NS,
      duplicate_window: 120 * 1e9,
    };
    try {
      await manager.streams.info(EVENTS_STREAM);
    } catch {
      try {
        await manager.streams.add(config);
      } catch (err) {
        // Another instance created it first.
        await manager.streams.info(EVENTS_STREAM).catch(() => {
          throw err;
        });
      }
    }
  }

  async publish(event: CloudEvent): Promise<void> {
    const subject = eventSubject(event.type.replace(/^argus\./, ''));
    const data = codec.encode(event);
    if (this.strict) {
      await this.jetstream.publish(subject, data, { msgID: event.id });
      return;
    }
    this.jetstream.publish(subject, data, { msgID: event.id }).catch((err) => {
      this.logger.error({ err, eventId: event.id, type: event.type }, 'event not acknowledged by JetStream');
    });
  }

  subscribe(type: string, handler: EventHandler): void {
    const subject = eventSubject(type.endsWith('.*') ? `${type.slice(0, -2)}.>` : type);
    this.nats.subscribe(subject, {
      callback: (err, message) => {
        if (err) return this.logger.error({ err }, 'event subscription failed');
        try {
          const event = codec.decode(message.data);
          handler(event);
        } catch (error) {
          this.logger.error({ err: error, subject: message.subject }, 'event handler failed');
        }
      },
    });
  }
}

export { shortType };
