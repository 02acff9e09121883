import type { Logger } from 'pino';

/**
 * Runs `purge` every `intervalSeconds` (unref'd, so it never keeps a process alive) and logs
 * failures instead of throwing: tables of used-up rows must not grow with traffic.
 */
export class PeriodicPurge {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly name: string,
    private readonly purge: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(intervalSeconds: number): void {
    this.timer = setInterval(() => {
      this.purge().catch((err) => this.logger.error({ err, purge: this.name }, 'purge failed'));
    }, intervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
