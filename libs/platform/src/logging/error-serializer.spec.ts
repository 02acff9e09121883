import { Writable } from 'node:stream';
import { QueryFailedError } from 'typeorm';
import { serializeError } from './error-serializer';
import { createLogger } from './logger';

const HASH = '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';

function duplicateKeyError(): QueryFailedError {
  const driverError = Object.assign(new Error('duplicate key value violates unique constraint "app_user_username_key"'), {
    code: '23505',
    detail: 'Key (username)=(alice) already exists.',
    parameters: ['id-1', 'alice', HASH],
  });
  return new QueryFailedError('INSERT INTO "app_user"("id", "username", "password_hash") VALUES ($1, $2, $3)', ['id-1', 'alice', HASH], driverError);
}

describe(serializeError.name, () => {
  it('keeps what explains a database error (type, message, code) and drops the statement and its values', () => {
    const serialized = serializeError(duplicateKeyError()) as Record<string, unknown>;
    expect(serialized).toMatchObject({ type: 'QueryFailedError', message: expect.stringContaining('duplicate key'), code: '23505' });
    const text = JSON.stringify(serialized);
    expect(text).not.toContain(HASH);
    expect(text).not.toContain('INSERT INTO');
    expect(text).not.toContain('alice');
  });

  it('is the serializer of the process logger: a logged error line carries no hash', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } });
    const logger = createLogger('test', 'info', sink);
    logger.error({ err: duplicateKeyError() }, 'request failed');
    expect(lines.join('')).toContain('QueryFailedError');
    expect(lines.join('')).not.toContain('$argon2');
  });
});
