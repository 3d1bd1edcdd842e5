// Sign-in for the web pages: OpenID Connect when OIDC_ISSUER is set; in
// development without it, the web chat's person picker stands in (loopback
// only). Sessions are signed cookies; every POST carries the session's CSRF token.
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from "express";
import type { App } from "../app.ts";
import type { Person } from "../domain/types.ts";
import { isUniqueViolation } from "../store/client.ts";
import { errorPage, devSignInPage, signedOutPage } from "../portfolio/views/messages.ts";
import { pageContext } from "../portfolio/views/layout.ts";
import type { Html } from "../portfolio/html.ts";
import { CALLBACK_PATH, createOidc, SignInError, type Oidc } from "./oidc.ts";
import { createTeamsSso, TeamsTokenError, type TeamsSso } from "./teamsSso.ts";
import { createSessions, safeEqual, type Session, type Sessions } from "./session.ts";

export interface SignedIn {
  person: Person;
  session: Session;
  /** Display zone (config TIMEZONE) the pages show dates in. */
  zone: string;
}

export interface Auth {
  routes: Router;
  /** Lets a request through only with a signed-in person (res.locals.signedIn); else sign-in (pages) or 401. */
  requirePerson: RequestHandler;
  /** Refuses a POST whose `_csrf` field (or x-csrf-token header) is not the session's token. */
  checkCsrf: RequestHandler;
  mode: "oidc" | "development";
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

export function isLoopbackRequest(req: Request): boolean {
  return LOOPBACK.has(req.socket.remoteAddress ?? "");
}

/** Only a path on this site: never an absolute URL or "//host" (an open redirect). */
export function safeReturnTo(value: unknown): string {
  return typeof value === "string" && /^\/(?![/\\])/.test(value) ? value : "/portfolio";
}

export function sendPage(res: Response, status: number, page: Html): void {
  res.status(status).type("html").set("cache-control", "no-store").send(page.value);
}

/** Finds the person by verified e-mail, as chat accounts are matched; someone unknown becomes an employee. */
async function personByEmail(app: App, email: string, name: string): Promise<Person> {
  const known = await app.store.people.byEmail(email);
  if (known) return known;
  try {
    return await app.store.people.create({ displayName: name, email, locale: app.config.defaultLocale, roles: ["employee"] });
  } catch (err) {
    // Two first sign-ins at once: the other one created the person.
    if (!isUniqueViolation(err)) throw err;
    return (await app.store.people.byEmail(email))!;
  }
}

/** The auth routes, or null when the portfolio is off (production without OIDC_ISSUER). */
export function createAuth(app: App): Auth | null {
  const { portfolio, production, defaultLocale } = app.config;
  if (production && !portfolio.oidc) return null;
  const sessions: Sessions = createSessions({
    secret: app.signingSecret,
    secure: portfolio.publicUrl?.startsWith("https:") ?? false,
  });
  const oidc: Oidc | undefined = portfolio.oidc
    ? createOidc({ ...portfolio.oidc, redirectUri: `${portfolio.publicUrl}${CALLBACK_PATH}` })
    : undefined;
  const teamsSso: TeamsSso | undefined =
    portfolio.oidc && portfolio.publicUrl
      ? createTeamsSso({
          issuer: portfolio.oidc.issuer,
          audiences: [portfolio.oidc.clientId, `api://${new URL(portfolio.publicUrl).host}/${portfolio.oidc.clientId}`],
        })
      : undefined;
  const plain = (path: string) => pageContext(defaultLocale, app.config.timezone, path);
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: "16kb" });

  const checkCsrf: RequestHandler = (req, res, next) => {
    const session = sessions.read(req);
    const sent = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get("x-csrf-token");
    if (!session || typeof sent !== "string" || !safeEqual(sent, session.csrf)) {
      sendPage(res, 403, errorPage(plain(req.path), plain(req.path).t("portfolio.error.csrf")));
      return;
    }
    next();
  };

  const requirePerson: RequestHandler = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const session = sessions.read(req);
      const person = session?.personId ? await app.store.people.byId(session.personId) : null;
      if (session && person) {
        res.locals.signedIn = { person, session, zone: app.config.timezone } satisfies SignedIn;
        next();
        return;
      }
      if (req.method === "GET" && req.accepts("html") && !req.path.startsWith("/charts/")) {
        res.redirect(302, `/auth/login?returnTo=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      res.status(401).json({ error: "sign in first" });
    } catch (err) {
      next(err);
    }
  };

  router.get("/auth/login", async (req, res, next) => {
    try {
      const returnTo = safeReturnTo(req.query.returnTo);
      if (oidc) {
        const started = await oidc.start();
        sessions.startSignIn(res, { state: started.state, nonce: started.nonce, verifier: started.verifier, returnTo });
        res.redirect(302, started.url);
        return;
      }
      if (!isLoopbackRequest(req)) {
        sendPage(res, 403, errorPage(plain(req.path), plain(req.path).t("portfolio.error.forbidden")));
        return;
      }
      const session = sessions.read(req) ?? sessions.start(res, null);
      const ctx = pageContext(defaultLocale, app.config.timezone, req.path, { personName: "", csrf: session.csrf });
      sendPage(res, 200, devSignInPage({ ...ctx, personName: undefined }, await app.store.people.all(), returnTo));
    } catch (err) {
      next(err);
    }
  });

  router.get(CALLBACK_PATH, async (req, res, next) => {
    if (!oidc) return next();
    const state = sessions.readSignIn(req);
    const ctx = plain(req.path);
    if (!state) {
      sendPage(res, 400, errorPage(ctx, ctx.t("portfolio.error.signIn", { detail: "the sign-in took too long or was started elsewhere" })));
      return;
    }
    try {
      // The URL the provider redirected to, on our public address (not the Host header).
      const callback = new URL(req.originalUrl, portfolio.publicUrl);
      const identity = await oidc.finish(callback, state);
      const person = await personByEmail(app, identity.email, identity.name);
      sessions.endSignIn(res);
      sessions.start(res, person.id);
      res.redirect(303, state.returnTo);
    } catch (err) {
      sessions.endSignIn(res);
      if (err instanceof SignInError || (err as { name?: string }).name?.match(/ResponseBodyError|AuthorizationResponseError|OperationProcessingError/)) {
        app.log.warn({ err }, "sign-in refused");
        sendPage(res, 400, errorPage(ctx, ctx.t("portfolio.error.signIn", { detail: (err as Error).message })));
        return;
      }
      next(err);
    }
  });

  router.post("/auth/dev-login", form, checkCsrf, async (req, res, next) => {
    try {
      if (oidc || !isLoopbackRequest(req)) {
        sendPage(res, 403, errorPage(plain(req.path), plain(req.path).t("portfolio.error.forbidden")));
        return;
      }
      const person = await app.store.people.byId(Number((req.body as Record<string, unknown>).personId));
      if (!person) {
        sendPage(res, 400, errorPage(plain(req.path), plain(req.path).t("portfolio.error.badRequest", { detail: "personId" })));
        return;
      }
      sessions.start(res, person.id);
      res.redirect(303, safeReturnTo((req.body as Record<string, unknown>).returnTo));
    } catch (err) {
      next(err);
    }
  });

  // Teams SSO: the tab page posts the token Teams gave it; the token is the proof, so no CSRF token is needed here.
  router.post("/auth/teams", express.json({ limit: "16kb" }), async (req, res, next) => {
    if (!teamsSso) {
      res.status(404).json({ error: "Teams sign-in needs OIDC_ISSUER (the Entra ID tenant)" });
      return;
    }
    const token = (req.body as { token?: unknown } | undefined)?.token;
    if (typeof token !== "string" || token.length > 16_000) {
      res.status(400).json({ error: "expected {token}" });
      return;
    }
    try {
      const identity = await teamsSso.verify(token);
      const person = await personByEmail(app, identity.email, identity.name);
      sessions.start(res, person.id, true);
      res.json({ ok: true, next: "/portfolio" });
    } catch (err) {
      if (!(err instanceof TeamsTokenError)) return next(err);
      app.log.warn({ reason: err.message }, "teams tab token refused");
      res.status(401).json({ error: "token refused" });
    }
  });

  router.post("/auth/logout", form, checkCsrf, (req, res) => {
    sessions.end(res);
    sendPage(res, 200, signedOutPage(plain(req.path)));
  });

  return { routes: router, requirePerson, checkCsrf, mode: oidc ? "oidc" : "development" };
}
