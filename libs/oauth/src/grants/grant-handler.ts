import type { AuthenticatedClient, TokenResponse } from '@argus/contracts';
import { UnauthorizedClient, UnsupportedGrantType } from '../errors';

export interface GrantContext {
  client: AuthenticatedClient;
  params: Readonly<Record<string, string>>;
  clientIp: string;
}

/** One class per grant type: adding a grant is one new handler and one registration. */
export interface GrantHandler {
  readonly grantType: string;
  handle(context: GrantContext): Promise<TokenResponse>;
}

export class GrantRegistry {
  private readonly handlers = new Map<string, GrantHandler>();

  constructor(handlers: readonly GrantHandler[]) {
    for (const handler of handlers) this.handlers.set(handler.grantType, handler);
  }

  get grantTypes(): string[] {
    return [...this.handlers.keys()];
  }

  /** RFC 6749 §5.2: unknown grant → unsupported_grant_type; not registered → unauthorized_client. */
  resolve(grantType: string, client: AuthenticatedClient): GrantHandler {
    const handler = this.handlers.get(grantType);
    if (!handler) throw new UnsupportedGrantType(`grant_type "${grantType}" is not supported`);
    if (!client.grant_types.includes(grantType)) {
      throw new UnauthorizedClient(`client is not registered for grant_type "${grantType}"`);
    }
    return handler;
  }
}
