import { AuthorizationContract, ClientsContract, KeysContract } from '@argus/contracts';
import { EventsModule } from '@argus/events';
import { PlatformModule } from '@argus/platform';
import { TokenCoreModule } from '@argus/token';
import { Module } from '@nestjs/common';
import { TokenNatsHandler } from './nats/token.handler';

@Module({
  imports: [
    PlatformModule.forApp('token', [{ contract: ClientsContract }, { contract: KeysContract }, { contract: AuthorizationContract }]),
    EventsModule,
    TokenCoreModule,
  ],
  controllers: [TokenNatsHandler],
})
export class TokenAppModule {}
