import { IntrospectionContract } from '@argus/contracts';
import { IntrospectionService } from '@argus/introspection';
import { natsHandlerFor } from '@argus/platform';

export const IntrospectionNatsHandler = natsHandlerFor(IntrospectionContract, IntrospectionService);
