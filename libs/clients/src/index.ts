export * from './clients.service';
export * from './clients-core.module';
export * from './client-metadata';
export * from './client-auth-cache';
export * from './failed-authentication-throttle';
export * from './client-origins';
