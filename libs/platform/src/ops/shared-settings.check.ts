import {
  SHARED_SETTING_NAMES,
  SHARED_SETTINGS_SUBJECT,
  type SharedSettingName,
  type SharedSettingsReply,
} from '@argus/contracts';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { JSONCodec, RequestStrategy, type NatsConnection } from 'nats';
import { hostname } from 'node:os';
import { ArgusConfig } from '../config/argus-config';
import { NATS_CONNECTION } from '../binding/nats-connection.module';
import { LOGGER, type Logger } from '../logging/logging.module';
import { ReadinessRegistry } from './readiness';

export const APP_NAME = Symbol('APP_NAME');

/** How long /readyz listens for peers' answers: every process on one NATS answers within it. */
const COLLECT_MS = 300;

const codec = JSONCodec<SharedSettingsReply>();

/** The settings of `self` that `peer` has differently, as readable phrases. */
export function settingDifferences(self: SharedSettingsReply, peer: SharedSettingsReply): string[] {
  return SHARED_SETTING_NAMES.filter((name) => peer.settings?.[name] !== self.settings[name]).map(
    (name) => `${name} is ${JSON.stringify(self.settings[name])} here but ${JSON.stringify(peer.settings?.[name])} at ${peer.process}`,
  );
}

/**
 * Distributed topology: every process answers its shared settings on NATS, and /readyz asks all
 * peers and is 503 (logged at error) while one differs — e.g. one service started with another
 * ARGUS_ISSUER would otherwise issue tokens that introspect as inactive. Standalone: nothing to do.
 */
@Injectable()
export class SharedSettingsCheck implements OnModuleInit {
  private lastProblem = '';

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection | null,
    private readonly config: ArgusConfig,
    private readonly readiness: ReadinessRegistry,
    @Inject(APP_NAME) private readonly appName: string,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private get self(): SharedSettingsReply {
    const settings = Object.fromEntries(SHARED_SETTING_NAMES.map((name) => [name, this.config[name]])) as Record<SharedSettingName, string>;
    return { process: `${this.appName}@${hostname()}:${process.pid}`, settings };
  }

  onModuleInit(): void {
    const nats = this.nats;
    if (!nats) return;
    const answer = codec.encode(this.self);
    nats.subscribe(SHARED_SETTINGS_SUBJECT, { callback: (_err, msg) => msg.respond(answer) });
    this.readiness.register('shared-settings', () => this.compareWithPeers(nats));
  }

  private async compareWithPeers(nats: NatsConnection): Promise<void> {
    const self = this.self;
    const differences: string[] = [];
    const replies = await nats.requestMany(SHARED_SETTINGS_SUBJECT, undefined, { strategy: RequestStrategy.Timer, maxWait: COLLECT_MS });
    for await (const reply of replies) {
      const peer = codec.decode(reply.data);
      if (peer.process !== self.process) differences.push(...settingDifferences(self, peer));
    }
    const problem = differences.length > 0 ? `settings differ between services (they must be equal everywhere): ${differences.join('; ')}` : '';
    if (problem !== this.lastProblem) {
      if (problem) this.logger.error({ differences }, problem);
      else if (this.lastProblem) this.logger.info('shared settings agree with every peer again');
      this.lastProblem = problem;
    }
    if (problem) throw new Error(problem);
  }
}
