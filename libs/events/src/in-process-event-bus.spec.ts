import type { CloudEvent } from '@argus/contracts';
import { buildEvent } from './event-bus';
import { InProcessEventBus } from './in-process-event-bus';

describe(InProcessEventBus.name, () => {
  const event = (type: string) => buildEvent('test', type, 'subject', { client_id: 'c' });

  it.each([
    ['client.*', 'client.updated', true],
    ['client.*', 'client.created', true],
    ['client.*', 'client.secret_rotated', true],
    ['client.*', 'token.issued', false],
    ['client.*', 'clients.updated', false],
    ['token.revoked', 'token.revoked', true],
    ['token.revoked', 'token.issued', false],
    ['token.revoked', 'token.revoked_extra', false],
    ['token.*', 'token.issued', true],
  ])('a subscriber to %s hears %s: %s', async (pattern, type, heard) => {
    const bus = new InProcessEventBus();
    const received: CloudEvent[] = [];
    bus.subscribe(pattern, (e) => received.push(e));
    const published = event(type);
    await bus.publish(published);
    expect(received).toEqual(heard ? [published] : []);
  });

  it('delivers to every interested subscriber before publish resolves', async () => {
    const bus = new InProcessEventBus();
    const heard: string[] = [];
    bus.subscribe('client.*', () => heard.push('area'));
    bus.subscribe('client.updated', () => heard.push('exact'));
    bus.subscribe('token.issued', () => heard.push('other'));
    await bus.publish(event('client.updated'));
    expect(heard).toEqual(['area', 'exact']);
  });

  it('resolves publish only once async handlers have finished (a revocation is stored before the revoker goes on)', async () => {
    const bus = new InProcessEventBus();
    const stored: string[] = [];
    bus.subscribe('token.revoked', async (e) => {
      await new Promise((r) => setTimeout(r, 20));
      stored.push(e.id);
    });
    const published = event('token.revoked');
    await bus.publish(published);
    expect(stored).toEqual([published.id]);
  });

  it('replay has no history in one process: it delivers new events like subscribe', async () => {
    const bus = new InProcessEventBus();
    const heard: string[] = [];
    await bus.replay('token.revoked', (e) => heard.push(e.type));
    await bus.publish(event('token.revoked'));
    expect(heard).toEqual(['argus.token.revoked']);
  });
});
