import { defineContract } from '../contract';
import type { IntrospectionApi } from './introspection.api';

export const IntrospectionContract = defineContract<IntrospectionApi>('introspection', [
  'introspect',
  'revoke',
  'inspect',
]);
