import { defineContract } from '../contract';
import type { AuthorizationApi } from './authorization.api';

export const AuthorizationContract = defineContract<AuthorizationApi>('authorization', [
  'authorize',
  'pending',
  'login',
  'consent',
  'consumeCode',
  'userinfo',
  'userStatus',
  'endSession',
  'createUser',
  'getUser',
  'listUsers',
  'updateUser',
  'deleteUser',
]);
