import { databaseReadinessProvider, serviceDatabase } from '@argus/persistence';
import { Argon2SecretHasher, SecretHasher } from '@argus/platform';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthorizationService } from './authorization.service';
import { AUTHORIZATION_ENTITIES } from './entities';
import { CreateAuthorization1763860000000 } from './migrations/1763860000000-create-authorization';
import { UserDirectory } from './users/user-directory';
import { UsersService } from './users/users.service';

@Module({
  imports: [
    serviceDatabase({ service: 'authorization', entities: AUTHORIZATION_ENTITIES, migrations: [CreateAuthorization1763860000000] }),
    TypeOrmModule.forFeature(AUTHORIZATION_ENTITIES, 'authorization'),
  ],
  providers: [
    AuthorizationService,
    UsersService,
    { provide: UserDirectory, useExisting: UsersService },
    { provide: SecretHasher, useClass: Argon2SecretHasher },
    databaseReadinessProvider('authorization'),
  ],
  exports: [AuthorizationService],
})
export class AuthorizationCoreModule {}
