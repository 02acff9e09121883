import { databaseReadinessProvider, serviceDatabase } from '@argus/persistence';
import { Argon2SecretHasher, SecretHasher } from '@argus/platform';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientEntity } from './client.entity';
import { ClientsService } from './clients.service';
import { CreateClients1763850000100 } from './migrations/1763850000100-create-clients';

@Module({
  imports: [
    serviceDatabase({ service: 'clients', entities: [ClientEntity], migrations: [CreateClients1763850000100] }),
    TypeOrmModule.forFeature([ClientEntity], 'clients'),
  ],
  providers: [ClientsService, { provide: SecretHasher, useClass: Argon2SecretHasher }, databaseReadinessProvider('clients')],
  exports: [ClientsService],
})
export class ClientsCoreModule {}
