// One HTTP server for every channel: web chat, Teams, Slack, health and metrics.
import http from "node:http";
import express, { type ErrorRequestHandler, type Router } from "express";
import type { App } from "./app.ts";
import { createAuth } from "./auth/routes.ts";
import { createWebChatRoutes } from "./bots/web/routes.ts";
import { createPortfolioRoutes } from "./portfolio/routes.ts";

/** Channel routes mounted by later channels (Teams, Slack) go through this list. */
export type ChannelMount = (server: express.Express, app: App) => void | Promise<void>;

export async function createHttpServer(app: App, channels: ChannelMount[] = []): Promise<http.Server> {
  const server = express();
  server.disable("x-powered-by");

  server.get("/healthz", async (_req, res) => {
    const ok = await app.store.ping();
    res.status(ok ? 200 : 503).json({ status: ok ? "ok" : "database unavailable" });
  });
  server.get("/metrics", async (_req, res) => {
    res.type(app.metrics.registry.contentType).send(await app.metrics.registry.metrics());
  });

  for (const mount of channels) await mount(server, app);

  // The portfolio and its sign-in: off in production without OIDC_ISSUER.
  const auth = createAuth(app);
  if (auth) server.use(auth.routes, createPortfolioRoutes(app, auth));

  if (app.config.webChat) {
    const web: Router = createWebChatRoutes(app);
    server.use(express.json({ limit: "64kb" }), web);
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
