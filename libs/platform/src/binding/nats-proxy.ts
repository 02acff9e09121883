import { TemporarilyUnavailable, toOAuthError } from '@argus/oauth';
import type { Contract } from '@argus/contracts';
import { NatsRecordBuilder, type ClientProxy } from '@nestjs/microservices';
import { EmptyResponseException } from '@nestjs/microservices/errors/empty-response.exception';
import { headers as natsHeaders } from 'nats';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { currentRequestId, REQUEST_ID_HEADER } from '../context/request-context';
import { natsRequestDuration } from '../metrics/metrics';

const CALL_TIMEOUT_MS = 5000;

/**
 * Implements a contract by sending each method's request to its NATS subject. Errors come back
 * as `{error, error_description, status}` and are rebuilt into the same OAuthError class.
 */
export function createNatsProxy<T>(client: ClientProxy, contract: Contract<T>): T {
  const proxy: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const [method, subject] of Object.entries(contract.subjects) as [string, string][]) {
    proxy[method] = (request: unknown) => call(client, subject, request);
  }
  return proxy as T;
}

async function call(client: ClientProxy, subject: string, request: unknown): Promise<unknown> {
  const headers = natsHeaders();
  const requestId = currentRequestId();
  if (requestId) headers.set(REQUEST_ID_HEADER, requestId);
  const record = new NatsRecordBuilder(request ?? {}).setHeaders(headers).build();
  const stopTimer = natsRequestDuration.startTimer({ subject });
  try {
    const reply = await firstValueFrom(client.send(subject, record).pipe(timeout(CALL_TIMEOUT_MS)));
    stopTimer({ outcome: 'ok' });
    return reply;
  } catch (err) {
    if (err instanceof TimeoutError) {
      stopTimer({ outcome: 'timeout' });
      throw new TemporarilyUnavailable(`the ${serviceOf(subject)} service did not answer in time`);
    }
    stopTimer({ outcome: 'error' });
    // NATS answers "no responders" (an empty reply) when no instance of the service is running.
    if (err instanceof EmptyResponseException) throw new TemporarilyUnavailable(`no instance of the ${serviceOf(subject)} service is running`);
    throw toOAuthError(err);
  }
}

/** `<prefix>.<service>.<method>` → `<service>`. */
function serviceOf(subject: string): string {
  return subject.split('.').slice(-2, -1)[0];
}
