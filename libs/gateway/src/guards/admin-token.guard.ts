import { IntrospectionContract, type IntrospectionApi } from '@argus/contracts';
import { InsufficientScope, InvalidToken } from '@argus/oauth';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { bearerFromHeader } from '../http/bearer-token';

export const ADMIN_SCOPE = 'argus:admin';

/** RFC 6750 §2.1: a Bearer access token of this server carrying `argus:admin`. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(IntrospectionContract.token) private readonly introspection: IntrospectionApi) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const bearer = bearerFromHeader(request.headers.authorization, `a Bearer access token with scope ${ADMIN_SCOPE} is required`);
    const token = await this.introspection.inspect({ token: bearer });
    if (!token.active) throw new InvalidToken('the access token is invalid, expired or revoked');
    if (!(token.scope ?? '').split(' ').includes(ADMIN_SCOPE)) {
      throw new InsufficientScope(`the access token lacks scope ${ADMIN_SCOPE}`);
    }
    return true;
  }
}
