import type { Contract } from '@argus/contracts';
import { toOAuthError } from '@argus/oauth';
import {
  Catch,
  Controller,
  Inject,
  Injectable,
  UseFilters,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type RpcExceptionFilter,
  type Type,
} from '@nestjs/common';
import { MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';
import { REQUEST_ID_HEADER, runWithRequestId } from '../context/request-context';
import { LOGGER, type Logger } from '../logging/logging.module';
import { rpcHandled } from '../metrics/metrics';

/** Carries the caller's request id (NATS header) into this service's logs and onward calls. */
@Injectable()
export class NatsRequestContextInterceptor implements NestInterceptor {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const nats = context.switchToRpc().getContext<NatsContext>();
    const requestId = nats.getHeaders?.()?.get(REQUEST_ID_HEADER) || undefined;
    const subject = nats.getSubject();
    rpcHandled.inc({ subject });
    return new Observable((subscriber) =>
      runWithRequestId(requestId, () => {
        this.logger.debug({ subject }, 'rpc');
        return next.handle().subscribe(subscriber);
      }),
    );
  }
}

/** Sends every error back as data, so code and status survive the trip (Nest would say "Internal server error"). */
@Catch()
export class OAuthRpcExceptionFilter implements RpcExceptionFilter<unknown> {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown): Observable<never> {
    const error = toOAuthError(exception);
    if (error.status >= 500) this.logger.error({ err: exception, detail: error.detail }, 'request failed');
    return throwError(() => error.toBody());
  }
}

/**
 * Builds the NATS adapter of a service: one @MessagePattern per contract method, each a single
 * call to the same service method that unit tests call.
 */
export function natsHandlerFor<T>(contract: Contract<T>, serviceClass: Type<T>): Type<unknown> {
  @Controller()
  @UseInterceptors(NatsRequestContextInterceptor)
  @UseFilters(OAuthRpcExceptionFilter)
  class ContractNatsHandler {
    constructor(@Inject(serviceClass) readonly service: Record<string, (request: unknown) => Promise<unknown>>) {}
  }
  for (const [method, subject] of Object.entries(contract.subjects) as [string, string][]) {
    Object.defineProperty(ContractNatsHandler.prototype, method, {
      value: function (this: ContractNatsHandler, request: unknown) {
        return this.service[method](request);
      },
      writable: true,
      configurable: true,
    });
    const descriptor = Object.getOwnPropertyDescriptor(ContractNatsHandler.prototype, method)!;
    MessagePattern(subject)(ContractNatsHandler.prototype, method, descriptor);
    Payload()(ContractNatsHandler.prototype, method, 0);
  }
  Object.defineProperty(ContractNatsHandler, 'name', { value: `${contract.service}NatsHandler` });
  return ContractNatsHandler;
}
