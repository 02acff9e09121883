import { databaseReadinessProvider, serviceDatabase } from '@argus/persistence';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokenVerifier } from './access-token.verifier';
import { ClientStatusCache } from './client-status.cache';
import { UserStatusCache } from './user-status.cache';
import { IntrospectionService } from './introspection.service';
import { CreateRevocations1763850000200 } from './migrations/1763850000200-create-revocations';
import { RevocationEntity } from './revocation.entity';

@Module({
  imports: [
    serviceDatabase({ service: 'introspection', entities: [RevocationEntity], migrations: [CreateRevocations1763850000200] }),
    TypeOrmModule.forFeature([RevocationEntity], 'introspection'),
  ],
  providers: [IntrospectionService, AccessTokenVerifier, ClientStatusCache, UserStatusCache, databaseReadinessProvider('introspection')],
  exports: [IntrospectionService],
})
export class IntrospectionCoreModule {}
