export * from './introspection.api';
export * from './introspection.messages';
export * from './introspection.subjects';
