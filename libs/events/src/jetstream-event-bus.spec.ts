import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import pino from 'pino';
import type { JetStreamEventBus as Bus } from './jetstream-event-bus';

const NATS_URL = process.env.ARGUS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** Strict audit (DESIGN.md): publish resolves only once JetStream has stored the event. Real NATS. */
describe('JetStreamEventBus strict audit', () => {
  let nats: NatsConnection;
  let JetStreamEventBus: typeof Bus;
  let buildEvent: typeof import('./event-bus').buildEvent;
  let stream: string;
  const logged: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(line) });

  beforeAll(async () => {
    // A prefix of its own, so no stream of another run (or of `npm start`) stores these subjects.
    process.env.ARGUS_NATS_SUBJECT_PREFIX = `u${randomBytes(4).toString('hex')}`;
    ({ JetStreamEventBus } = await import('./jetstream-event-bus'));
    ({ buildEvent } = await import('./event-bus'));
    stream = (await import('@argus/contracts')).EVENTS_STREAM;
    nats = await connect({ servers: NATS_URL });
  });

  afterAll(async () => {
    await (await nats.jetstreamManager()).streams.delete(stream).catch(() => undefined);
    await nats.close();
    delete process.env.ARGUS_NATS_SUBJECT_PREFIX;
  });

  const event = () => buildEvent('token', 'token.issued', 'jti-1', { jti: 'jti-1' });

  it('strict: publishing without a stream to store the event rejects', async () => {
    const bus = new JetStreamEventBus(nats, logger, true);
    await expect(bus.publish(event())).rejects.toThrow();
  });

  it('not strict: the same publish resolves at once and the loss is logged', async () => {
    const bus = new JetStreamEventBus(nats, logger, false);
    await expect(bus.publish(event())).resolves.toBeUndefined();
    const deadline = Date.now() + 5000;
    while (!logged.some((l) => l.includes('event not acknowledged by JetStream')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(logged.some((l) => l.includes('event not acknowledged by JetStream'))).toBe(true);
  });

  it('strict: once the stream exists, publish resolves with the event stored', async () => {
    const bus = new JetStreamEventBus(nats, logger, true);
    await bus.ensureStream();
    await bus.publish(event());
    const info = await (await nats.jetstreamManager()).streams.info(stream);
    expect(info.state.messages).toBe(1);
  });
});
