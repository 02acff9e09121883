import type { OAuthError } from '@argus/oauth';

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<OAuthError> {
  try {
    await promise;
  } catch (err) {
    return err as OAuthError;
  }
  throw new Error('expected a rejection');
}
