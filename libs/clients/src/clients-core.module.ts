import { databaseReadinessProvider, serviceDatabase } from '@argus/persistence';
import { Argon2SecretHasher, SecretHasher } from '@argus/platform';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientEntity } from './client.entity';
import { ClientOriginEntity } from './client-origin.entity';
import { ClientOrigins } from './client-origins';
import { ClientsService } from './clients.service';
import { CreateClients1763850000100 } from './migrations/1763850000100-create-clients';
import { CreateClientOrigins1764460000000 } from './migrations/1764460000000-create-client-origins';

@Module({
  imports: [
    serviceDatabase({ service: 'clients', entities: [ClientEntity, ClientOriginEntity], migrations: [CreateClients1763850000100, CreateClientOrigins1764460000000] }),
    TypeOrmModule.forFeature([ClientEntity, ClientOriginEntity], 'clients'),
  ],
  providers: [ClientsService, ClientOrigins, { provide: SecretHasher, useClass: Argon2SecretHasher }, databaseReadinessProvider('clients')],
  exports: [ClientsService],
})
export class ClientsCoreModule {}
