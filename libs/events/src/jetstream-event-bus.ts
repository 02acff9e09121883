import { EVENTS_STREAM, EVENTS_SUBJECT_ROOT, eventSubject, type CloudEvent } from '@argus/contracts';
import { consumerOpts, Events, JSONCodec, RetentionPolicy, StorageType, type JetStreamClient, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { EventBus, shortType, type EventHandler } from './event-bus';

const codec = JSONCodec<CloudEvent>();
const MAX_AGE_NS = 7 * 24 * 3600 * 1e9;
/** A replay that has not delivered the retained history by then fails the start-up. */
const REPLAY_DEADLINE_MS = 60_000;
const REPLAY_RETRY_MS = 1000;

/**
 * Distributed topology. Publishing goes through JetStream and waits for its ack (strict audit).
 * Subscribers listen on plain NATS without a queue group, so every instance sees every event,
 * and in publish order relative to the publisher's later replies: an instance hears a
 * revocation before it can be asked about the revoked token.
 */
export class JetStreamEventBus extends EventBus {
  private readonly jetstream: JetStreamClient;
  private readonly missedEventHandlers: (() => void)[] = [];

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
    this.nats.subscribe(subjectOf(type), {
      callback: (err, message) => {
        if (err) return this.logger.error({ err }, 'event subscription failed');
        try {
          this.deliver(handler, codec.decode(message.data));
        } catch (error) {
          this.logger.error({ err: error, subject: message.subject }, 'event handler failed');
        }
      },
    });
  }

  /**
   * An ordered JetStream consumer over the stream from its first retained message, kept running
   * (it resumes after a reconnect where it left off); resolves when it has delivered every
   * message that was in the stream when it started.
   */
  async replay(type: string, handler: EventHandler): Promise<void> {
    const subject = subjectOf(type);
    const manager = await this.nats.jetstreamManager();
    const lastSeq = await manager.streams.getMessage(EVENTS_STREAM, { last_by_subj: subject }).then(
      (message) => message.seq,
      (err: Error) => {
        if (/no message found/i.test(err.message)) return 0; // nothing retained for this subject
        throw err; // JetStream unreachable: this instance must not answer without its history
      },
    );
    let caughtUp!: () => void;
    const done = new Promise<void>((resolve) => (caughtUp = resolve));
    if (lastSeq === 0) caughtUp();
    void this.follow(subject, handler, (seq) => {
      if (seq >= lastSeq) caughtUp();
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`replay of ${subject} did not catch up within ${REPLAY_DEADLINE_MS} ms`)), REPLAY_DEADLINE_MS);
    });
    try {
      await Promise.race([done, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  onMissedEvents(handler: () => void): void {
    if (this.missedEventHandlers.push(handler) > 1) return;
    void (async () => {
      for await (const status of this.nats.status()) {
        if (status.type !== Events.Reconnect) continue;
        this.logger.warn('NATS reconnected: dropping caches kept current by events');
        for (const drop of this.missedEventHandlers) drop();
      }
    })();
  }

  /** Consumes until the connection closes; a broken consumer (stream deleted, JetStream down) is re-created and replays again. */
  private async follow(subject: string, handler: EventHandler, delivered: (seq: number) => void): Promise<void> {
    while (!this.nats.isClosed() && !this.nats.isDraining()) {
      try {
        // The push-based ordered consumer: the pull-based `consumers.get` API needs NATS 2.10+.
        const options = consumerOpts().orderedConsumer().deliverAll();
        for await (const message of await this.jetstream.subscribe(subject, options)) {
          try {
            await handler(codec.decode(message.data));
          } catch (err) {
            this.logger.error({ err, subject }, 'replayed event handler failed');
          }
          delivered(message.seq);
        }
      } catch (err) {
        if (this.nats.isClosed() || this.nats.isDraining()) return;
        this.logger.warn({ err, subject }, 'event replay interrupted; restarting it');
      }
      await new Promise((resolve) => setTimeout(resolve, REPLAY_RETRY_MS));
    }
  }

  private deliver(handler: EventHandler, event: CloudEvent): void {
    const result = handler(event);
    if (result instanceof Promise) result.catch((err: unknown) => this.logger.error({ err, type: event.type }, 'event handler failed'));
  }
}

function subjectOf(type: string): string {
  return eventSubject(type.endsWith('.*') ? `${type.slice(0, -2)}.>` : type);
}

export { shortType };
