import { ClientsContract, type ClientsApi, type TokenApi, type TokenRequest, type TokenResponse } from '@argus/contracts';
import { GrantRegistry, requireParam } from '@argus/oauth';
import { Inject, Injectable } from '@nestjs/common';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';

/** The token endpoint: authenticate the client → pick the grant → let the grant issue. */
@Injectable()
export class TokenService implements TokenApi {
  private readonly grants: GrantRegistry;

  constructor(
    @Inject(ClientsContract.token) private readonly clients: ClientsApi,
    clientCredentials: ClientCredentialsGrant,
  ) {
    this.grants = new GrantRegistry([clientCredentials]);
  }

  get supportedGrantTypes(): string[] {
    return this.grants.grantTypes;
  }

  async exchange({ params, credentials, client_ip }: TokenRequest): Promise<TokenResponse> {
    const grantType = requireParam(params, 'grant_type');
    const client = await this.clients.authenticate({ credentials, client_ip });
    const handler = this.grants.resolve(grantType, client);
    return handler.handle({ client, params, clientIp: client_ip });
  }
}
