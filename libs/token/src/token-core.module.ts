import { databaseReadinessProvider, serviceDatabase } from '@argus/persistence';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokenIssuer } from './access-token.issuer';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { IdTokenIssuer } from './id-token.issuer';
import { CreateRefreshTokens1763860000100 } from './migrations/1763860000100-create-refresh-tokens';
import { AddRefreshFamilyExpiry1763860000200 } from './migrations/1763860000200-add-refresh-family-expiry';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RefreshTokens } from './refresh-tokens';
import { TokenService } from './token.service';

@Module({
  imports: [
    serviceDatabase({ service: 'token', entities: [RefreshTokenEntity], migrations: [CreateRefreshTokens1763860000100, AddRefreshFamilyExpiry1763860000200] }),
    TypeOrmModule.forFeature([RefreshTokenEntity], 'token'),
  ],
  providers: [
    TokenService,
    AccessTokenIssuer,
    IdTokenIssuer,
    RefreshTokens,
    ClientCredentialsGrant,
    AuthorizationCodeGrant,
    RefreshTokenGrant,
    databaseReadinessProvider('token'),
  ],
  exports: [TokenService],
})
export class TokenCoreModule {}
