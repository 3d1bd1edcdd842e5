// A loopback stand-in for the Bot Connector service: records what the bot
// sends (as Teams would receive it), answers the member roster, and fails on
// demand (403 for a removed app, 429 with Retry-After, 5xx) per conversation.
import type { AddressInfo } from "node:net";
import http from "node:http";
import express from "express";

export interface ConnectorCall {
  method: string;
  /** "send" (new message or reply), "update", "create" (a new conversation), "member". */
  kind: "send" | "update" | "create" | "member";
  conversationId: string;
  activityId?: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  authorization?: string;
}

export interface Failure {
  status: number;
  headers?: Record<string, string>;
}

export interface BotConnector {
  /** The serviceUrl to put on activities. */
  url: string;
  calls: ConnectorCall[];
  /** Activities the bot sent (new messages and replies) to one conversation, typing indicators left out unless asked. */
  sent(conversationId: string, options?: { typing?: boolean }): any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Member roster entries, by the user's Teams id. */
  members: Map<string, Record<string, unknown>>;
  /** Answers every call for this conversation with this failure. */
  failures: Map<string, Failure>;
  /** Answers the roster lookup of this user (Teams id) only after this many milliseconds. */
  slowMembers: Map<string, number>;
  reset(): void;
  close(): Promise<void>;
}

export async function startBotConnector(): Promise<BotConnector> {
  const calls: ConnectorCall[] = [];
  const members = new Map<string, Record<string, unknown>>();
  const failures = new Map<string, Failure>();
  const slowMembers = new Map<string, number>();
  let next = 1;
  const server = express();
  server.use(express.json({ limit: "1mb" }));

  const record = (kind: ConnectorCall["kind"]): express.RequestHandler => async (req, res) => {
    const conversationId = String(req.params.conversationId ?? "");
    calls.push({
      method: req.method,
      kind,
      conversationId,
      activityId: req.params.activityId ? String(req.params.activityId) : undefined,
      body: req.body,
      authorization: req.headers.authorization,
    });
    const failure = failures.get(conversationId);
    if (failure) {
      res.status(failure.status).set(failure.headers ?? {}).json({ error: { code: "Failure", message: `stand-in failure ${failure.status}` } });
      return;
    }
    if (kind === "member") {
      const delay = slowMembers.get(String(req.params.memberId));
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      const member = members.get(String(req.params.memberId));
      if (!member) res.status(404).json({ error: { code: "MemberNotFoundInConversation", message: "not found" } });
      else res.json(member);
      return;
    }
    if (kind === "create") {
      const created = `a:created-${next++}`;
      res.status(201).json({ id: created });
      return;
    }
    res.status(kind === "update" ? 200 : 201).json({ id: kind === "update" ? req.params.activityId : `sent-${next++}` });
  };

  server.post("/v3/conversations", record("create"));
  server.post("/v3/conversations/:conversationId/activities", record("send"));
  server.post("/v3/conversations/:conversationId/activities/:activityId", record("send"));
  server.put("/v3/conversations/:conversationId/activities/:activityId", record("update"));
  server.get("/v3/conversations/:conversationId/members/:memberId", record("member"));
  server.use((req, res) => {
    calls.push({ method: req.method, kind: "send", conversationId: `unhandled ${req.path}`, body: req.body });
    res.status(404).json({ error: { code: "NotFound", message: req.path } });
  });

  const httpServer = http.createServer(server);
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    members,
    failures,
    slowMembers,
    sent: (conversationId, options = {}) =>
      calls
        .filter((c) => c.kind === "send" && c.conversationId === conversationId && (options.typing || c.body?.type !== "typing"))
        .map((c) => c.body),
    reset() {
      calls.length = 0;
      failures.clear();
      slowMembers.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      }),
  };
}
