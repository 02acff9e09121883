export * from './keys.service';
export * from './keys-core.module';
export * from './key-encryption';
export * from './signing-key.entity';
export * from './migrations/1763850000000-create-signing-keys';
