export * from './scope.check';
export * from './client-credentials.check';
export * from './params.check';
