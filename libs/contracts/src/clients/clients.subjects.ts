import { defineContract } from '../contract';
import type { ClientsApi } from './clients.api';

export const ClientsContract = defineContract<ClientsApi>('clients', [
  'authenticate',
  'create',
  'list',
  'get',
  'update',
  'rotateSecret',
  'remove',
  'status',
  'originAllowed',
]);
