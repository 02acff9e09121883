import { TokenContract } from '@argus/contracts';
import { natsHandlerFor } from '@argus/platform';
import { TokenService } from '@argus/token';

export const TokenNatsHandler = natsHandlerFor(TokenContract, TokenService);
