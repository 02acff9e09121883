import type { InspectRequest, IntrospectRequest, IntrospectionResponse, RevokeRequest } from './introspection.messages';

/** RFC 7662 introspection and RFC 7009 revocation over the in-memory denylist. */
export interface IntrospectionApi {
  introspect(request: IntrospectRequest): Promise<IntrospectionResponse>;
  revoke(request: RevokeRequest): Promise<{ revoked: boolean }>;
  inspect(request: InspectRequest): Promise<IntrospectionResponse>;
}
