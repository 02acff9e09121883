import { Module } from '@nestjs/common';
import { AdminTokenGuard } from './guards/admin-token.guard';
import { AdminClientsController } from './http/admin-clients.controller';
import { AdminKeysController } from './http/admin-keys.controller';
import { IntrospectionController } from './http/introspection.controller';
import { TokenController } from './http/token.controller';
import { WellKnownController } from './http/well-known.controller';

/** The gateway's HTTP surface: parsing and writing HTTP only; every decision is a contract call. */
@Module({
  controllers: [WellKnownController, TokenController, IntrospectionController, AdminClientsController, AdminKeysController],
  providers: [AdminTokenGuard],
})
export class GatewayHttpModule {}
