export * from './contract';
export * from './clients';
export * from './token';
export * from './introspection';
export * from './keys';
export * from './events';
export * from './authorization';
export * from './ops';
