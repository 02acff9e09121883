import { defineContract } from '../contract';
import type { TokenApi } from './token.api';

export const TokenContract = defineContract<TokenApi>('token', ['exchange', 'revokeRefreshToken']);
