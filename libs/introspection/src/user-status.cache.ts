import { AuthorizationContract, EventTypes, type AuthorizationApi, type UserChangedData } from '@argus/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { ReadThroughCache } from './read-through-cache';

interface UserState {
  active: boolean;
}

const INACTIVE: UserState = { active: false };

/**
 * Whether each user still exists and is enabled. Filled on first sight from the authorization
 * service (durable: a disabled user is a row, so a restarted instance reads it), then kept
 * current by `user.updated` / `user.deleted`.
 */
@Injectable()
export class UserStatusCache {
  private readonly cache: ReadThroughCache<UserState>;

  constructor(@Inject(AuthorizationContract.token) authorization: AuthorizationApi) {
    this.cache = new ReadThroughCache((id) => authorization.userStatus({ id }));
  }

  async isActive(sub: string): Promise<boolean> {
    return (await this.cache.get(sub)).active;
  }

  /** A deletion or a disable takes effect at once; a re-enable is read again on next sight. */
  apply(type: string, data: UserChangedData): void {
    if (type === EventTypes.userDeleted || data.enabled === false) this.cache.set(data.sub, INACTIVE);
    else this.cache.forget(data.sub);
  }

  clear(): void {
    this.cache.clear();
  }
}
