import { UserInput, type ListUsersRequest, type UserPage, type UserRecord } from '@argus/contracts';
import { InvalidRequest, NotFound, OAuthError } from '@argus/oauth';
import { isUniqueViolation, nowSeconds } from '@argus/persistence';
import { SecretHasher } from '@argus/platform';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { MoreThan, type Repository } from 'typeorm';
import { UserEntity } from '../entities';
import { UserDirectory } from './user-directory';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;

/** A password hash no password matches. */
const UNUSABLE_PASSWORD = '!';

type Profile = Omit<UserRecord, 'id' | 'username' | 'enabled' | 'created_at' | 'updated_at'>;

/** The local user directory: argon2id password hashes, profile claims, admin CRUD. */
@Injectable()
export class UsersService extends UserDirectory implements OnModuleInit {
  /** Verified against when the username is unknown, so a miss costs the same argon2 time as a hit. */
  private dummyHash = '';

  constructor(
    @InjectRepository(UserEntity, 'authorization') private readonly users: Repository<UserEntity>,
    private readonly hasher: SecretHasher,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hasher.hash(randomUUID());
  }

  async create(input: Record<string, unknown>): Promise<UserRecord> {
    const dto = validateUser(input);
    if (!dto.username) throw new InvalidRequest('username: is required');
    if (!dto.password) throw new InvalidRequest('password: is required');
    if (await this.users.exist({ where: { usernameKey: usernameKey(dto.username) } })) throw usernameTaken(dto.username);
    const now = nowSeconds();
    const entity: UserEntity = {
      id: randomUUID(),
      username: dto.username,
      usernameKey: usernameKey(dto.username),
      // Not an argon2 string, so nothing verifies against it: the name is claimed first (a
      // concurrent duplicate is refused at once, without paying argon2), the hash set after.
      passwordHash: UNUSABLE_PASSWORD,
      profile: JSON.stringify(profileOf(dto, emptyProfile())),
      enabled: dto.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    };
    await this.users.insert(entity).catch(conflictAsTaken(dto.username));
    try {
      entity.passwordHash = await this.hasher.hash(dto.password);
      await this.users.update({ id: entity.id }, { passwordHash: entity.passwordHash });
    } catch (err) {
      await this.users.delete({ id: entity.id });
      throw err;
    }
    return toRecord(entity);
  }

  /** Oldest id first; `username` matches exactly, whatever the case. */
  async list({ limit, cursor, username }: ListUsersRequest): Promise<UserPage> {
    const size = limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw new InvalidRequest(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    if (cursor !== undefined && !/^[0-9a-f-]{36}$/.test(cursor)) throw new InvalidRequest('cursor is not a value returned by this API');
    const rows = await this.users.find({
      where: { ...(cursor !== undefined ? { id: MoreThan(cursor) } : {}), ...(username !== undefined ? { usernameKey: usernameKey(username) } : {}) },
      order: { id: 'ASC' },
      take: size + 1,
    });
    const page = rows.slice(0, size);
    return { items: page.map(toRecord), next_cursor: rows.length > size ? page[page.length - 1].id : undefined };
  }

  async get(id: string): Promise<UserRecord> {
    return toRecord(await this.load(id));
  }

  async update(id: string, patch: Record<string, unknown>): Promise<UserRecord> {
    const entity = await this.load(id);
    const dto = validateUser(patch);
    const renamed = dto.username !== undefined && usernameKey(dto.username) !== entity.usernameKey;
    if (renamed && (await this.users.exist({ where: { usernameKey: usernameKey(dto.username!) } }))) throw usernameTaken(dto.username!);
    const updated: UserEntity = {
      ...entity,
      username: dto.username ?? entity.username,
      usernameKey: dto.username ? usernameKey(dto.username) : entity.usernameKey,
      passwordHash: dto.password ? await this.hasher.hash(dto.password) : entity.passwordHash,
      profile: JSON.stringify(profileOf(dto, JSON.parse(entity.profile) as Profile)),
      enabled: dto.enabled ?? entity.enabled,
      updatedAt: nowSeconds(),
    };
    await this.users.update({ id }, updated).catch(conflictAsTaken(updated.username));
    return toRecord(updated);
  }

  async remove(id: string): Promise<void> {
    const result = await this.users.delete({ id });
    if (!result.affected) throw new NotFound(`no user with id ${id}`);
  }

  async verifyPassword(username: string, password: string): Promise<UserRecord | null> {
    const entity = await this.users.findOne({ where: { usernameKey: usernameKey(username) } });
    const matches = await this.hasher.verify(entity?.passwordHash ?? this.dummyHash, password);
    return entity && matches && entity.enabled ? toRecord(entity) : null;
  }

  async findById(id: string): Promise<UserRecord | null> {
    const entity = await this.users.findOne({ where: { id } });
    return entity ? toRecord(entity) : null;
  }

  private async load(id: string): Promise<UserEntity> {
    const entity = await this.users.findOne({ where: { id } });
    if (!entity) throw new NotFound(`no user with id ${id}`);
    return entity;
  }
}

/** Usernames are compared case-insensitively (they are ASCII: see UserInput). */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}

function usernameTaken(username: string): OAuthError {
  return new OAuthError('invalid_request', `username: "${username}" is taken`, 409);
}

/** A concurrent create or rename that won the race for the same name: 409 as well, never a 500. */
function conflictAsTaken(username: string) {
  return (err: unknown): never => {
    throw isUniqueViolation(err) ? usernameTaken(username) : err;
  };
}

function validateUser(input: Record<string, unknown>): UserInput {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new InvalidRequest('the request body must be a JSON object');
  const dto = plainToInstance(UserInput, input);
  const errors = validateSync(dto, { whitelist: true, forbidUnknownValues: false });
  if (errors.length > 0) {
    const first = errors[0];
    const message = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    throw new InvalidRequest(message.startsWith(`${first.property}:`) ? message : `${first.property}: ${message}`);
  }
  return dto;
}

function emptyProfile(): Profile {
  return { email_verified: false, phone_number_verified: false, roles: [], groups: [] };
}

function profileOf(dto: UserInput, base: Profile): Profile {
  const fields = ['email', 'email_verified', 'name', 'given_name', 'family_name', 'phone_number', 'phone_number_verified', 'picture', 'address', 'roles', 'groups', 'customer_id', 'customer_name', 'domain'] as const;
  const profile: Record<string, unknown> = { ...base };
  for (const field of fields) if (dto[field] !== undefined) profile[field] = dto[field];
  return profile as Profile;
}

function toRecord(entity: UserEntity): UserRecord {
  return {
    ...(JSON.parse(entity.profile) as Profile),
    id: entity.id,
    username: entity.username,
    enabled: entity.enabled,
    created_at: entity.createdAt,
    updated_at: entity.updatedAt,
  };
}
