// The local web chat: just another transport over the core. A person picker
// stands in for sign-in, so it is a development and demo channel only.
import { MAX_ID, parseId } from "../../domain/ids.ts";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import express, { type Router } from "express";
import { z } from "zod";
import type { App } from "../../app.ts";

const require = createRequire(import.meta.url);
const STATIC_DIR = path.join(import.meta.dirname, "static");

const turnBody = z.union([
  z.object({ personId: z.number().int().positive().max(MAX_ID), text: z.string() }).strict(),
  z
    .object({
      personId: z.number().int().positive().max(MAX_ID),
      action: z.object({ verb: z.string().max(100), data: z.record(z.string(), z.unknown()).default({}) }).strict(),
      /** The rendered card the action came from (chat.js): one submission of it makes one change. */
      turnId: z.string().min(1).max(100).optional(),
    })
    .strict(),
]);

export function createWebChatRoutes(app: App): Router {
  const router = express.Router();
  const page = readFileSync(path.join(STATIC_DIR, "index.html"), "utf8");
  const adaptiveCardsJs = require.resolve("adaptivecards/dist/adaptivecards.min.js");

  router.get("/", (_req, res) => {
    res.type("html").send(page);
  });
  router.get("/web/chat.js", (_req, res) => res.sendFile(path.join(STATIC_DIR, "chat.js")));
  router.get("/web/chat.css", (_req, res) => res.sendFile(path.join(STATIC_DIR, "chat.css")));
  router.get("/web/adaptivecards.js", (_req, res) => res.sendFile(adaptiveCardsJs));

  router.get("/web/api/people", async (_req, res) => {
    const [people, departments] = await Promise.all([app.store.people.all(), app.store.departments.active()]);
    const deptName = new Map(departments.map((d) => [d.id, d.name]));
    res.json(
      people.map((p) => ({
        id: p.id,
        displayName: p.displayName,
        roles: p.roles,
        locale: p.locale,
        department: p.departmentId ? (deptName.get(p.departmentId) ?? null) : null,
      })),
    );
  });

  router.post("/web/api/turn", async (req, res) => {
    const parsed = turnBody.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: "expected {personId, text} or {personId, action: {verb, data}}" });
      return;
    }
    const person = await app.store.people.byId(parsed.data.personId);
    if (!person) {
      res.status(404).json({ error: "unknown person" });
      return;
    }
    const body = parsed.data;
    const reply = await app.handle({
      person,
      platform: "web",
      personal: true,
      ...("text" in body
        ? { text: body.text }
        : { action: { verb: body.action.verb, data: body.action.data }, ...(body.turnId ? { submission: `card:${person.id}:${body.turnId}` } : {}) }),
    });
    res.json(reply);
  });

  /** Proactive messages for a person (pings, notifications, digests), polled by the page. */
  router.get("/web/api/inbox", async (req, res) => {
    const personId = parseId(req.query.personId);
    const after = req.query.after === undefined || req.query.after === "0" ? 0 : parseId(req.query.after);
    if (personId === null || after === null) {
      res.status(400).json({ error: "personId and after must be ids (positive integers up to 2147483647)" });
      return;
    }
    const messages = await app.store.webChat.since(personId, after);
    res.json({ messages, lastId: messages.at(-1)?.id ?? after });
  });

  return router;
}
