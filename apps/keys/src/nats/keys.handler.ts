import { KeysContract } from '@argus/contracts';
import { KeysService } from '@argus/keys';
import { natsHandlerFor } from '@argus/platform';

export const KeysNatsHandler = natsHandlerFor(KeysContract, KeysService);
