import { EventsModule } from '@argus/events';
import { PlatformModule } from '@argus/platform';
import { Module } from '@nestjs/common';

/**
 * The authorization service (users, login sessions, consent, authorization codes). Its domain
 * arrives with the authorization-code flow; today it runs only its operations endpoints so the
 * deployment already has its place.
 */
@Module({
  imports: [PlatformModule.forApp('authorization', []), EventsModule],
})
export class AuthorizationAppModule {}
