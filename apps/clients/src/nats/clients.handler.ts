import { ClientsService } from '@argus/clients';
import { ClientsContract } from '@argus/contracts';
import { natsHandlerFor } from '@argus/platform';

export const ClientsNatsHandler = natsHandlerFor(ClientsContract, ClientsService);
