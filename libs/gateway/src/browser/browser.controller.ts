import { AuthorizationContract, type AuthorizationApi, type AuthorizeOutcome, type PendingRequestView } from '@argus/contracts';
import { InvalidRequest, toOAuthError, withQuery } from '@argus/oauth';
import { ArgusConfig, FormBody, LOGGER, type Logger } from '@argus/platform';
import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { browserId, clearSessionCookie, sessionToken, setSessionCookie } from './browser-cookies';
import { isLogoutCsrfToken, logoutCsrfToken } from './logout-csrf';
import { consentPage, errorPage, formPostPage, loginPage, logoutConfirmationPage, signedOutPage } from './pages';

// No form-action: browsers apply it to where a form's redirect leads, and the consent and login
// forms redirect to the client's (cross-origin) redirect_uri.
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The browser side of "Sign in with Argus": the authorization endpoint, the login and consent
 * pages and RP-initiated logout. Every decision is the authorization service's; this controller
 * only reads parameters and cookies and writes redirects and HTML.
 */
@ApiTags('oauth2')
@Controller()
export class BrowserController {
  constructor(
    @Inject(AuthorizationContract.token) private readonly authorization: AuthorizationApi,
    private readonly config: ArgusConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** RFC 6749 §3.1: GET with a query, or POST with a form. */
  @Get('oauth2/authorize')
  @ApiOperation({ summary: 'Authorization endpoint (GET)' })
  authorizeGet(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.authorize(request, reply, FormBody.parse(queryString(request)));
  }

  @Post('oauth2/authorize')
  @HttpCode(200)
  @ApiOperation({ summary: 'Authorization endpoint (POST)' })
  authorizePost(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.authorize(request, reply, request.body instanceof FormBody ? request.body : FormBody.parse(''));
  }

  @Get('ui/login')
  @ApiExcludeEndpoint()
  loginForm(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.pendingPage(request, reply, (view) => loginPage(view));
  }

  @Post('ui/login')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async login(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.page(reply, async () => {
      const form = formValues(request);
      const browser = browserId(request, reply, this.issuer);
      const { outcome, session } = await this.authorization.login({
        request_id: form.req ?? '',
        csrf_token: form.csrf_token ?? '',
        username: form.username ?? '',
        password: form.password ?? '',
        browser_id: browser,
        session_token: sessionToken(request, this.issuer),
        client_ip: request.ip,
      });
      if (session) setSessionCookie(reply, this.issuer, session.token, session.max_age);
      if (outcome.kind === 'login' && outcome.error) {
        const view = await this.authorization.pending({ request_id: outcome.request_id, browser_id: browser });
        return loginPage(view, outcome.error);
      }
      return this.respond(reply, outcome);
    });
  }

  @Get('ui/consent')
  @ApiExcludeEndpoint()
  consentForm(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.pendingPage(request, reply, consentPage);
  }

  @Post('ui/consent')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async consent(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.page(reply, async () => {
      const form = formValues(request);
      const outcome = await this.authorization.consent({
        request_id: form.req ?? '',
        csrf_token: form.csrf_token ?? '',
        decision: form.decision ?? '',
        browser_id: browserId(request, reply, this.issuer),
        session_token: sessionToken(request, this.issuer),
        client_ip: request.ip,
      });
      return this.respond(reply, outcome);
    });
  }

  /** OpenID Connect RP-Initiated Logout 1.0 */
  @Get('oauth2/logout')
  @ApiOperation({ summary: 'End session (RP-initiated logout)' })
  logoutGet(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.logout(request, reply, FormBody.parse(queryString(request)).values);
  }

  @Post('oauth2/logout')
  @HttpCode(200)
  @ApiOperation({ summary: 'End session (RP-initiated logout, POST)' })
  logoutPost(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.logout(request, reply, formValues(request));
  }

  private get issuer(): string {
    return this.config.ARGUS_ISSUER;
  }

  /** The login or consent page of the pending request named by `?req=`. */
  private pendingPage(request: FastifyRequest, reply: FastifyReply, render: (view: PendingRequestView) => string): Promise<void> {
    return this.page(reply, async () => {
      const view = await this.authorization.pending({ request_id: queryParam(request, 'req'), browser_id: browserId(request, reply, this.issuer) });
      return render(view);
    });
  }

  private async authorize(request: FastifyRequest, reply: FastifyReply, form: FormBody): Promise<void> {
    await this.page(reply, async () => {
      const outcome = await this.authorization.authorize({
        params: form.values,
        repeated: form.repeated,
        browser_id: browserId(request, reply, this.issuer),
        session_token: sessionToken(request, this.issuer),
        client_ip: request.ip,
      });
      return this.respond(reply, outcome);
    });
  }

  private async logout(request: FastifyRequest, reply: FastifyReply, params: Record<string, string>): Promise<void> {
    await this.page(reply, async () => {
      // RP-Initiated Logout §6: without id_token_hint, ask the user (any site could link here);
      // the answer counts only with the confirmation page's CSRF token.
      const browser = browserId(request, reply, this.issuer);
      const confirmed = request.method === 'POST' && params.confirm === 'yes';
      if (confirmed && !isLogoutCsrfToken(params.csrf_token, browser)) {
        throw new InvalidRequest('the sign-out form was not submitted from this site (CSRF token mismatch)');
      }
      const ask = () => logoutConfirmationPage(params, logoutCsrfToken(browser));
      if (!params.id_token_hint && !confirmed) return ask();
      const outcome = await this.authorization.endSession({
        session_token: sessionToken(request, this.issuer),
        confirmed,
        id_token_hint: params.id_token_hint || undefined,
        post_logout_redirect_uri: params.post_logout_redirect_uri || undefined,
        state: params.state || undefined,
        client_id: params.client_id || undefined,
      });
      if (outcome.confirm) return ask();
      clearSessionCookie(reply, this.issuer);
      if (outcome.redirect_to) {
        reply.redirect(outcome.redirect_to, 302);
        return undefined;
      }
      return signedOutPage();
    });
  }

  /** Writes an outcome: a redirect (query or form_post), a hop to a page, or the error page. */
  private respond(reply: FastifyReply, outcome: AuthorizeOutcome): string | undefined {
    switch (outcome.kind) {
      case 'error_page':
        reply.status(400);
        return errorPage(outcome.error, outcome.error_description);
      case 'login':
        reply.redirect(`/ui/login?req=${encodeURIComponent(outcome.request_id)}`, 302);
        return undefined;
      case 'consent':
        reply.redirect(`/ui/consent?req=${encodeURIComponent(outcome.request_id)}`, 302);
        return undefined;
      case 'redirect': {
        if (outcome.response_mode === 'form_post') {
          const nonce = randomBytes(16).toString('base64');
          reply.header('Content-Security-Policy', `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; frame-ancestors 'none'`);
          return formPostPage(outcome.redirect_uri, outcome.params, nonce);
        }
        reply.redirect(withQuery(outcome.redirect_uri, outcome.params), 302);
        return undefined;
      }
    }
  }

  /** Runs a page handler; errors become the HTML error page, never a redirect. */
  private async page(reply: FastifyReply, render: () => Promise<string | undefined>): Promise<void> {
    reply.header('Cache-Control', 'no-store').header('X-Frame-Options', 'DENY').header('Referrer-Policy', 'no-referrer');
    let html: string | undefined;
    try {
      html = await render();
    } catch (err) {
      const error = toOAuthError(err);
      if (error.status >= 500) this.logger.error({ err, detail: error.detail }, 'browser request failed');
      reply.status(error.status >= 500 ? 500 : 400);
      html = errorPage(error.error, error.error_description);
    }
    if (html === undefined) {
      // reply.redirect() has already sent the response.
      if (!reply.sent) await reply.send();
      return;
    }
    if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', PAGE_CSP);
    await reply.type('text/html; charset=utf-8').send(html);
  }
}

function queryString(request: FastifyRequest): string {
  const url = request.raw.url ?? '';
  const index = url.indexOf('?');
  return index === -1 ? '' : url.slice(index + 1);
}

function queryParam(request: FastifyRequest, name: string): string {
  return FormBody.parse(queryString(request)).values[name] ?? '';
}

function formValues(request: FastifyRequest): Record<string, string> {
  return request.body instanceof FormBody ? request.body.values : {};
}
