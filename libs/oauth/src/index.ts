export * from './errors';
export * from './checks';
export * from './ports';
export * from './grants';
