export * from './rejection';
export * from './clients-api.stub';
