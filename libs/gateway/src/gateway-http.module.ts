import { Module } from '@nestjs/common';
import { BrowserController } from './browser/browser.controller';
import { CorsOriginRegistry } from './cors/cors-origin-registry';
import { GatewayCors } from './cors/gateway-cors';
import { AdminTokenGuard } from './guards/admin-token.guard';
import { AdminClientsController } from './http/admin-clients.controller';
import { AdminKeysController } from './http/admin-keys.controller';
import { AdminUsersController } from './http/admin-users.controller';
import { IntrospectionController } from './http/introspection.controller';
import { TokenController } from './http/token.controller';
import { UserinfoController } from './http/userinfo.controller';
import { WellKnownController } from './http/well-known.controller';

/** The gateway's HTTP surface: parsing and writing HTTP only; every decision is a contract call. */
@Module({
  controllers: [
    WellKnownController,
    BrowserController,
    TokenController,
    IntrospectionController,
    UserinfoController,
    AdminClientsController,
    AdminUsersController,
    AdminKeysController,
  ],
  providers: [AdminTokenGuard, CorsOriginRegistry, GatewayCors],
})
export class GatewayHttpModule {}
