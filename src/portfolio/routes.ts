// The portfolio's routes: server-rendered pages, signed in; forms POST and
// redirect (303) back to the page, so a reload never sends a form twice.
import { createRequire } from "node:module";
import path from "node:path";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { App } from "../app.ts";
import { sendPage, type Auth, type SignedIn } from "../auth/routes.ts";
import { isChartName } from "../charts/index.ts";
import { DomainError } from "../domain/errors.ts";
import { parseFilters } from "../domain/portfolio.ts";
import { figuresPage } from "./views/figures.ts";
import { pageContext, type PageContext } from "./views/layout.ts";
import { errorPage } from "./views/messages.ts";
import { needPage, type NeedNotice } from "./views/need.ts";
import { methodsPage } from "./views/methods.ts";
import { needsPage } from "./views/needs.ts";
import { teamsTabPage } from "./views/teamsTab.ts";
import { workPage } from "./views/work.ts";

const STATIC_DIR = path.join(import.meta.dirname, "static");
const TEAMS_JS = createRequire(import.meta.url).resolve("@microsoft/teams-js/dist/umd/MicrosoftTeams.min.js");
const NOTICES = new Set(["supported", "nameShown", "nameHidden"]);

function context(req: Request, res: Response): PageContext {
  const { person, session, zone } = res.locals.signedIn as SignedIn;
  return pageContext(person.locale, zone, req.path, { personName: person.displayName, csrf: session.csrf });
}

function signedIn(res: Response): SignedIn {
  return res.locals.signedIn as SignedIn;
}

/** Domain errors become a page in the person's language; anything else goes to the server's error handler. */
function handle(fn: (req: Request, res: Response) => Promise<void>) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      await fn(req, res);
    } catch (err) {
      if (!(err instanceof DomainError)) return next(err);
      const ctx = context(req, res);
      const [status, message] =
        err.code === "not_found"
          ? [404, ctx.t("portfolio.error.notFound")]
          : err.code === "forbidden"
            ? [403, ctx.t("portfolio.error.forbidden")]
            : [400, ctx.t("portfolio.error.badRequest", { detail: err.message })];
      sendPage(res, status, errorPage(ctx, message));
    }
  };
}

export function createPortfolioRoutes(app: App, auth: Auth): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: "16kb" });
  const portfolio = app.portfolio;

  // The stylesheet holds nothing private: served without a session, so the sign-in page has it too.
  router.get("/portfolio/static/portfolio.css", (_req, res) => res.sendFile(path.join(STATIC_DIR, "portfolio.css")));
  router.use("/portfolio", auth.requirePerson);

  // The Teams personal tab: Teams SSO with OIDC sign-in; in development the person picker does it.
  router.get("/teams/tab", (req, res) => {
    if (auth.mode !== "oidc") return res.redirect(302, "/portfolio");
    const lang = String(req.query.lang ?? "");
    sendPage(res, 200, teamsTabPage(lang.startsWith("en") ? "en" : lang.startsWith("sv") ? "sv" : app.config.defaultLocale));
  });
  router.get("/teams/tab.js", (_req, res) => res.sendFile(path.join(STATIC_DIR, "teamsTab.js")));
  router.get("/teams/teams-js.js", (_req, res) => res.sendFile(TEAMS_JS));

  router.get(
    "/portfolio",
    handle(async (req, res) => {
      const filters = parseFilters(req.query as Record<string, unknown>);
      const [list, departments, workPackages] = await Promise.all([
        portfolio.list(filters),
        app.store.departments.active(),
        app.store.workPackages.active(),
      ]);
      sendPage(res, 200, needsPage(context(req, res), { filters, ...list, departments, workPackages }));
    }),
  );

  router.get(
    "/portfolio/needs/:reference",
    handle(async (req, res) => {
      const view = await portfolio.need(signedIn(res).person, String(req.params.reference));
      const done = String(req.query.done ?? "");
      sendPage(res, 200, needPage(context(req, res), view, (NOTICES.has(done) ? done : undefined) as NeedNotice));
    }),
  );

  router.post(
    "/portfolio/needs/:reference/support",
    form,
    auth.checkCsrf,
    handle(async (req, res) => {
      const reference = String(req.params.reference);
      await portfolio.support(signedIn(res).person, reference);
      res.redirect(303, `/portfolio/needs/${encodeURIComponent(reference)}?done=supported`);
    }),
  );

  router.post(
    "/portfolio/needs/:reference/name",
    form,
    auth.checkCsrf,
    handle(async (req, res) => {
      const reference = String(req.params.reference);
      const show = (req.body as Record<string, unknown>).show;
      if (show !== "yes" && show !== "no") throw new DomainError("invalid_input", "show must be yes or no");
      await portfolio.setShowName(signedIn(res).person, reference, show === "yes");
      res.redirect(303, `/portfolio/needs/${encodeURIComponent(reference)}?done=${show === "yes" ? "nameShown" : "nameHidden"}`);
    }),
  );

  router.get(
    "/portfolio/work",
    handle(async (req, res) => {
      sendPage(res, 200, workPage(context(req, res), await portfolio.work()));
    }),
  );

  router.get(
    "/portfolio/methods",
    handle(async (req, res) => {
      const [methods, workPackages] = await Promise.all([app.store.methods.active(), app.store.workPackages.active()]);
      sendPage(res, 200, methodsPage(context(req, res), { methods, workPackages }));
    }),
  );

  router.get(
    "/portfolio/figures",
    handle(async (req, res) => {
      const ctx = context(req, res);
      const charts = await app.charts.all(ctx.locale);
      sendPage(res, 200, figuresPage(ctx, await app.charts.figures(), charts));
    }),
  );

  // Chart images for cards: no session (Slack and Teams fetch them), a signature that expires instead.
  router.get("/charts/:name.png", async (req, res, next) => {
    try {
      const name = String(req.params.name);
      const query = req.query as Record<string, unknown>;
      if (!isChartName(name) || !app.charts.verify(name, query)) {
        res.status(403).json({ error: "invalid or expired chart link" });
        return;
      }
      const png = await app.charts.png(name, query.locale === "en" ? "en" : "sv");
      res.type("png").set("cache-control", "private, max-age=3600").send(png);
    } catch (err) {
      next(err);
    }
  });

  return router;
}
