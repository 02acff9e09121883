export * from './introspection.service';
export * from './introspection-core.module';
export * from './denylist';
export * from './access-token.verifier';
