import type { AuthenticateClientRequest, AuthenticatedClient, ClientsApi, ClientStatus } from '@argus/contracts';

/**
 * A stand-in for the clients service in unit tests of other services: a test overrides the
 * methods its subject calls; any other call fails loudly.
 */
export class ClientsApiStub implements ClientsApi {
  authenticate(_request: AuthenticateClientRequest): Promise<AuthenticatedClient> {
    throw new Error('authenticate is not used by this test');
  }
  status(_request: { client_id: string }): Promise<ClientStatus> {
    throw new Error('status is not used by this test');
  }
  create(): never {
    throw new Error('create is not used by this test');
  }
  list(): never {
    throw new Error('list is not used by this test');
  }
  get(): never {
    throw new Error('get is not used by this test');
  }
  update(): never {
    throw new Error('update is not used by this test');
  }
  rotateSecret(): never {
    throw new Error('rotateSecret is not used by this test');
  }
  remove(): never {
    throw new Error('remove is not used by this test');
  }
  originAllowed(): never {
    throw new Error('originAllowed is not used by this test');
  }
}
