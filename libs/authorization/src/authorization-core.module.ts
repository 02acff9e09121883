import { databaseReadinessProvider, serviceDatabase } from '@argus/persistence';
import { Argon2SecretHasher, ArgusConfig, SecretHasher } from '@argus/platform';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthorizationService } from './authorization.service';
import { AUTHORIZATION_ENTITIES } from './entities';
import { LoginThrottle } from './login/login-throttle';
import { CreateAuthorization1763860000000 } from './migrations/1763860000000-create-authorization';
import { UsernameKey1764460000000 } from './migrations/1764460000000-username-key';
import { LoginThrottle1764460000001 } from './migrations/1764460000001-login-throttle';
import { UserDirectory } from './users/user-directory';
import { UsersService } from './users/users.service';

@Module({
  imports: [
    serviceDatabase({ service: 'authorization', entities: AUTHORIZATION_ENTITIES, migrations: [CreateAuthorization1763860000000, UsernameKey1764460000000, LoginThrottle1764460000001] }),
    TypeOrmModule.forFeature(AUTHORIZATION_ENTITIES, 'authorization'),
  ],
  providers: [
    AuthorizationService,
    UsersService,
    { provide: UserDirectory, useExisting: UsersService },
    LoginThrottle,
    // Bounded: password guessing must not take every libuv thread from token signing.
    { provide: SecretHasher, inject: [ArgusConfig], useFactory: (config: ArgusConfig) => new Argon2SecretHasher({ maxConcurrent: config.ARGUS_PASSWORD_HASH_CONCURRENCY }) },
    databaseReadinessProvider('authorization'),
  ],
  exports: [AuthorizationService],
})
export class AuthorizationCoreModule {}
