import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { closeServer, listenOnLoopback } from './loopback-server';

/** The browser bundle of oidc-client-ts, a certified-style SPA library (global `oidc`). */
const OIDC_CLIENT_BUNDLE = join(__dirname, '..', '..', 'node_modules', 'oidc-client-ts', 'dist', 'browser', 'oidc-client-ts.min.js');

/**
 * A single-page app's own web server: a real node:http server on 127.0.0.1 (ephemeral port, so a
 * separate origin from the IdP) serving static pages and the oidc-client-ts bundle. Pages are
 * HTML strings registered by path; everything runs in the browser.
 */
export class SpaServer {
  private readonly pages = new Map<string, string>();
  private server?: Server;
  port = 0;

  /** `http://127.0.0.1:<port>` */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Serves `html` at `path` (text/html). */
  page(path: string, html: string): this {
    this.pages.set(path, html);
    return this;
  }

  async start(): Promise<this> {
    const bundle = readFileSync(OIDC_CLIENT_BUNDLE, 'utf8');
    this.server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://spa').pathname;
      const html = this.pages.get(path);
      if (path === '/oidc-client-ts.min.js') {
        response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(bundle);
      } else if (html !== undefined) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
      } else {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }
    });
    this.port = await listenOnLoopback(this.server);
    return this;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }
}
