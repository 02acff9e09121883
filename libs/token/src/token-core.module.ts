import { Module } from '@nestjs/common';
import { AccessTokenIssuer } from './access-token.issuer';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { TokenService } from './token.service';

@Module({
  providers: [TokenService, AccessTokenIssuer, ClientCredentialsGrant],
  exports: [TokenService],
})
export class TokenCoreModule {}
