import { databaseReadinessProvider, serviceDatabase } from '@argus/persistence';
import { ArgusConfig, LOGGER, type Logger } from '@argus/platform';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { resolveKek } from './kek';
import { KeyEncryption } from './key-encryption';
import { KEY_ENCRYPTION } from './keys.tokens';
import { KeysService } from './keys.service';
import { CreateSigningKeys1763850000000 } from './migrations/1763850000000-create-signing-keys';
import { SigningKeyEntity } from './signing-key.entity';

@Module({
  imports: [
    serviceDatabase({ service: 'keys', entities: [SigningKeyEntity], migrations: [CreateSigningKeys1763850000000] }),
    TypeOrmModule.forFeature([SigningKeyEntity], 'keys'),
  ],
  providers: [
    KeysService,
    {
      provide: KEY_ENCRYPTION,
      inject: [ArgusConfig, LOGGER],
      useFactory: (config: ArgusConfig, logger: Logger) =>
        new KeyEncryption(resolveKek({ kek: config.ARGUS_KEK, distributed: config.distributed, dataDir: config.ARGUS_DATA_DIR, logger })),
    },
    databaseReadinessProvider('keys'),
  ],
  exports: [KeysService],
})
export class KeysCoreModule {}
