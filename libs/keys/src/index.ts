export * from './keys.service';
export * from './keys-core.module';
export * from './key-encryption';
