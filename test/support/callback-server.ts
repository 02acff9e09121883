import { createServer, type IncomingMessage, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback-server';

/** One request the callback server received. */
export interface CallbackHit {
  method: string;
  path: string;
  /** The query string parameters (GET, response_mode=query). */
  query: Record<string, string>;
  /** The form body parameters (POST, response_mode=form_post). */
  form: Record<string, string>;
  contentType?: string;
}

/**
 * A relying party's redirect endpoint: a real node:http server on 127.0.0.1 (ephemeral port) that
 * records every request and answers a tiny HTML page, for GET (query) and POST (form_post).
 */
export class CallbackServer {
  readonly hits: CallbackHit[] = [];
  private readonly waiters = new Set<() => void>();
  private server?: Server;
  port = 0;

  /** `http://127.0.0.1:<port>` */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `http://127.0.0.1:<port>/callback` */
  get callbackUrl(): string {
    return `${this.origin}/callback`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(
        (hit) => {
          const status = hit.path === '/callback' ? 200 : 404;
          response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
          response.end(`<!doctype html><html><head><title>callback</title></head><body><p data-testid="callback">${status === 200 ? 'signed in' : 'not found'}</p></body></html>`);
        },
        () => {
          response.writeHead(400).end();
        },
      );
    });
    this.port = await listenOnLoopback(this.server);
    return this;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  /** Requests to a given path (default `/callback`). */
  hitsTo(path = '/callback'): CallbackHit[] {
    return this.hits.filter((h) => h.path === path);
  }

  /** Resolves with the first recorded request that matches, waiting for it up to `timeoutMs`. */
  async waitFor(match: (hit: CallbackHit) => boolean, timeoutMs = 30_000): Promise<CallbackHit> {
    const found = () => this.hits.find(match);
    const deadline = Date.now() + timeoutMs;
    while (!found()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`callback server: no matching request within ${timeoutMs} ms; saw ${JSON.stringify(this.hits)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
    return found()!;
  }

  private async handle(request: IncomingMessage): Promise<CallbackHit> {
    const url = new URL(request.url ?? '/', this.origin);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const contentType = request.headers['content-type'];
    const form = contentType?.startsWith('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(body)) : {};
    const hit: CallbackHit = { method: request.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), form, contentType };
    if (hit.path !== '/favicon.ico') this.hits.push(hit);
    for (const wake of [...this.waiters]) {
      this.waiters.delete(wake);
      wake();
    }
    return hit;
  }
}
