import type {
  AuthenticateClientRequest,
  AuthenticatedClient,
  ClientIdRequest,
  ClientPage,
  ClientStatus,
  CreateClientRequest,
  ListClientsRequest,
  OriginAllowed,
  OriginAllowedRequest,
  RegisteredClient,
  RegisteredClientWithSecret,
  RotateSecretRequest,
  RotatedSecret,
  UpdateClientRequest,
} from './clients.messages';

/** The client registry: metadata, secrets (argon2id) and client authentication. */
export interface ClientsApi {
  authenticate(request: AuthenticateClientRequest): Promise<AuthenticatedClient>;
  create(request: CreateClientRequest): Promise<RegisteredClientWithSecret>;
  list(request: ListClientsRequest): Promise<ClientPage>;
  get(request: ClientIdRequest): Promise<RegisteredClient>;
  update(request: UpdateClientRequest): Promise<RegisteredClient>;
  rotateSecret(request: RotateSecretRequest): Promise<RotatedSecret>;
  remove(request: ClientIdRequest): Promise<{ deleted: true }>;
  status(request: ClientIdRequest): Promise<ClientStatus>;
  /** CORS: may this origin call the token-style endpoints (for this client, or for any client)? */
  originAllowed(request: OriginAllowedRequest): Promise<OriginAllowed>;
}
