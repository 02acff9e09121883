/** API.md "Scopes and claims": the scopes with fixed meanings and every claim they can release. */
export const IDENTITY_SCOPES = ['openid', 'profile', 'email', 'phone', 'address', 'roles', 'groups', 'groupstring', 'customer', 'offline_access'];

export const SUPPORTED_CLAIMS = [
  'sub', 'name', 'given_name', 'family_name', 'preferred_username', 'picture', 'updated_at', 'email', 'email_verified',
  'phone_number', 'phone_number_verified', 'address', 'roles', 'groups', 'groupstring', 'customer_id', 'customer_name', 'domain',
];
