import { AuthorizationContract, ClientsContract, KeysContract, TokenContract } from '@argus/contracts';
import { EventsModule } from '@argus/events';
import { IntrospectionCoreModule } from '@argus/introspection';
import { PlatformModule } from '@argus/platform';
import { Module } from '@nestjs/common';
import { IntrospectionNatsHandler } from './nats/introspection.handler';

@Module({
  imports: [
    PlatformModule.forApp('introspection', [{ contract: ClientsContract }, { contract: KeysContract }, { contract: TokenContract }, { contract: AuthorizationContract }]),
    EventsModule,
    IntrospectionCoreModule,
  ],
  controllers: [IntrospectionNatsHandler],
})
export class IntrospectionAppModule {}
