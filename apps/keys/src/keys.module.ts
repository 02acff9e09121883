import { EventsModule } from '@argus/events';
import { KeysCoreModule } from '@argus/keys';
import { PlatformModule } from '@argus/platform';
import { Module } from '@nestjs/common';
import { KeysNatsHandler } from './nats/keys.handler';

@Module({
  imports: [PlatformModule.forApp('keys', []), EventsModule, KeysCoreModule],
  controllers: [KeysNatsHandler],
})
export class KeysAppModule {}
