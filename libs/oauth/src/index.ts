export * from './errors';
export * from './checks';
export * from './ports';
export * from './grants';
export * from './jwks-cache';
export * from './redirect';
