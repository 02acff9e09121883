export * from './token.service';
export * from './token-core.module';
export * from './access-token.issuer';
export * from './grants/client-credentials.grant';
