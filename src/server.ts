// One HTTP server for every channel: web chat, Teams, Slack, health and metrics.
import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from "express";
import type { App } from "./app.ts";
import { createAuth } from "./auth/routes.ts";
import { jsonBody } from "./bots/jsonDepth.ts";
import { StartupError } from "./config.ts";
import { createWebChatRoutes } from "./bots/web/routes.ts";
import { createPortfolioRoutes } from "./portfolio/routes.ts";

/** Channel routes mounted by later channels (Teams, Slack) go through this list. */
export type ChannelMount = (server: express.Express, app: App) => void | Promise<void>;

export type HttpServer = http.Server;

export async function createHttpServer(app: App, channels: ChannelMount[] = []): Promise<HttpServer> {
  const server = express();
  server.disable("x-powered-by");

  server.get("/healthz", async (_req, res) => {
    const ok = await app.store.ping();
    res.status(ok ? 200 : 503).json({ status: ok ? "ok" : "database unavailable" });
  });
  const metricsAccess = metricsGuard(app.config);
  if (metricsAccess) {
    server.get("/metrics", metricsAccess, async (_req, res) => {
      res.type(app.metrics.registry.contentType).send(await app.metrics.registry.metrics());
    });
  }

  // PRISMA_COUNT_QUERIES outside production: the statements sent so far, read
  // before and after one request to learn what it cost (bench/inbound.ts).
  if (app.store.statements() !== null) {
    server.get("/debug/statements", (_req, res) => {
      res.json({ statements: app.store.statements() });
    });
  }

  for (const mount of channels) await mount(server, app);

  // The portfolio and its sign-in: off in production without OIDC_ISSUER.
  const auth = createAuth(app);
  if (auth) server.use(auth.routes, createPortfolioRoutes(app, auth));

  if (app.config.webChat) {
    const web: Router = createWebChatRoutes(app);
    server.use(jsonBody("64kb"), web);
  }

  server.use((_req, res) => {
    res.status(404).json({ error: "not found" });
  });
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const status = typeof err.status === "number" && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) app.log.error({ err }, "request failed");
    res.status(status).json({ error: status === 500 ? "internal error" : String(err.type ?? err.message) });
  };
  server.use(onError);
  return http.createServer(server);
}

/** Listens on HOST:PORT; a port in use or an address not available is a StartupError naming the setting. */
export function listen(server: HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const reasons: Record<string, string> = {
        EADDRINUSE: `PORT: ${port} is already in use on ${host}`,
        EACCES: `PORT: ${port} needs privileges this process does not have`,
        EADDRNOTAVAIL: `HOST: ${host} is not an address of this machine`,
        ENOTFOUND: `HOST: ${host} does not resolve`,
        EAI_AGAIN: `HOST: ${host} does not resolve`,
      };
      const line = reasons[err.code ?? ""];
      reject(line ? new StartupError(`${line} (${err.code})`) : err);
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/** The process: start, stop on SIGTERM/SIGINT; a setting that does not work ends it with one line. */
const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * Who may read /metrics: with METRICS_TOKEN only `Authorization: Bearer <token>`
 * (401 otherwise); without it anyone in development, and nobody in production
 * (undefined: the route is not served, 404).
 */
function metricsGuard(config: App["config"]): RequestHandler | undefined {
  const token = config.metricsToken;
  if (!token) return config.production ? undefined : (_req, _res, next) => next();
  // Hashing first gives equal lengths, so the comparison takes the same time for any guess.
  const expected = digest(`Bearer ${token}`);
  return (req, res, next) => {
    if (timingSafeEqual(digest(req.headers.authorization ?? ""), expected)) return next();
    res.status(401).set("www-authenticate", 'Bearer realm="metrics"').json({ error: "unauthorized" });
  };
}
