import { AuthorizationService } from '@argus/authorization';
import { AuthorizationContract } from '@argus/contracts';
import { natsHandlerFor } from '@argus/platform';

export const AuthorizationNatsHandler = natsHandlerFor(AuthorizationContract, AuthorizationService);
