export * from './gateway-http.module';
export * from './openapi';
export * from './guards/admin-token.guard';
export * from './http/well-known.controller';
export * from './gateway-app';
