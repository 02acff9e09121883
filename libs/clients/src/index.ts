export * from './clients.service';
export * from './clients-core.module';
export * from './client-metadata';
export * from './client-auth-cache';
export * from './authentication-throttle';
export * from './known-good-secrets';
export * from './bootstrap-admin';
export * from './client-origins';
