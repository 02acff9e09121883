import { ClientsCoreModule, ClientsService } from '@argus/clients';
import { AuthorizationCoreModule, AuthorizationService } from '@argus/authorization';
import { AuthorizationContract, ClientsContract, IntrospectionContract, KeysContract, TokenContract } from '@argus/contracts';
import { EventsModule } from '@argus/events';
import { GatewayHttpModule } from '@argus/gateway';
import { IntrospectionCoreModule, IntrospectionService } from '@argus/introspection';
import { KeysCoreModule, KeysService } from '@argus/keys';
import { PlatformModule } from '@argus/platform';
import { TokenCoreModule, TokenService } from '@argus/token';
import { Module } from '@nestjs/common';

/** Every service in one process: contracts bound in-process, SQLite, in-process events. */
@Module({
  imports: [
    PlatformModule.forApp('standalone', [
      { contract: ClientsContract, local: ClientsService },
      { contract: TokenContract, local: TokenService },
      { contract: IntrospectionContract, local: IntrospectionService },
      { contract: KeysContract, local: KeysService },
      { contract: AuthorizationContract, local: AuthorizationService },
    ]),
    EventsModule,
    KeysCoreModule,
    ClientsCoreModule,
    TokenCoreModule,
    IntrospectionCoreModule,
    AuthorizationCoreModule,
    GatewayHttpModule,
  ],
})
export class StandaloneModule {}
