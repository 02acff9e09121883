import { AuthorizationContract, ClientsContract, IntrospectionContract, KeysContract, TokenContract } from '@argus/contracts';
import { EventsModule } from '@argus/events';
import { GatewayHttpModule } from '@argus/gateway';
import { PlatformModule } from '@argus/platform';
import { Module } from '@nestjs/common';

/** Distributed gateway: HTTP only, every contract bound to its NATS proxy. */
@Module({
  imports: [
    PlatformModule.forApp('gateway', [
      { contract: ClientsContract },
      { contract: TokenContract },
      { contract: IntrospectionContract },
      { contract: KeysContract },
      { contract: AuthorizationContract },
    ]),
    // client.* events keep the gateway's CORS origin answers current.
    EventsModule,
    GatewayHttpModule,
  ],
})
export class GatewayAppModule {}
