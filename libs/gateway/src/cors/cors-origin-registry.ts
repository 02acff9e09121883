import { ClientsContract, type ClientsApi } from '@argus/contracts';
import { EventBus } from '@argus/events';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

/** A safety net: a client change is normally heard at once (client.* events). */
const ANSWER_TTL_MS = 60_000;
/** Bounded, so preflights from a stream of made-up origins cannot grow it without end. */
const MAX_ANSWERS = 10_000;

/**
 * The gateway's view of which web origins the clients allow (API.md "CORS"), asked of the clients
 * service and remembered, so that a browser's requests cost no extra round trip. Any change to a
 * client forgets every answer.
 */
@Injectable()
export class CorsOriginRegistry implements OnModuleInit {
  private readonly answers = new LRUCache<string, Promise<boolean>>({ max: MAX_ANSWERS, ttl: ANSWER_TTL_MS });

  constructor(
    @Inject(ClientsContract.token) private readonly clients: ClientsApi,
    private readonly events: EventBus,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('client.*', () => this.answers.clear());
  }

  /** Whether `origin` may make CORS requests for this client, or (no client id) for any client. */
  allowed(origin: string, clientId?: string): Promise<boolean> {
    const key = `${clientId ?? ''}\n${origin}`;
    let answer = this.answers.get(key);
    if (!answer) {
      answer = this.clients.originAllowed(clientId === undefined ? { origin } : { origin, client_id: clientId }).then((r) => r.allowed);
      // A failed lookup (an outage) is not remembered: the next request asks again.
      answer.catch(() => this.answers.delete(key));
      this.answers.set(key, answer);
    }
    return answer;
  }
}
