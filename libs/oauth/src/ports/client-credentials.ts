export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];

/** What the caller presented at a token, introspection or revocation endpoint. */
export interface PresentedClientCredentials {
  client_id: string;
  client_secret?: string;
  method: ClientAuthMethod;
}
