import { defineContract } from '../contract';
import type { KeysApi } from './keys.api';

export const KeysContract = defineContract<KeysApi>('keys', ['sign', 'jwks', 'list']);
