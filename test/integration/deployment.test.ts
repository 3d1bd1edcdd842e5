// Safe defaults and clear refusals, on the real server process as deployed
// (`src/main.ts` with an environment): which channels production serves, where
// development mode listens and whom it talks to, who may read /metrics, and
// the one line an operator gets for a setting that does not work.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startReplica, startRefused, type Exited, type Replica } from "../helpers/replicas.ts";
import { form, slackRequest } from "../helpers/slackApi.ts";
import { postActivity, teamsClient, teamsUser } from "../helpers/teams.ts";

const dir = mkdtempSync(path.join(tmpdir(), "samordna-deploy-"));
const replicas: Replica[] = [];
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  rmSync(dir, { recursive: true, force: true });
});

let databases = 0;
const database = () => `file:${path.join(dir, `db-${++databases}`, "samordna.db")}`;
async function started(env: Record<string, string>): Promise<Replica> {
  const replica = await startReplica(database(), env);
  replicas.push(replica);
  return replica;
}

const SECRET = "deployment-test-signing-secret";
const SLACK = { SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: "xoxb-deployment-test" };
const TEAMS = { MicrosoftAppId: "00000000-0000-0000-0000-000000000001", MicrosoftAppPassword: "not-a-real-secret" };
const METRICS_TOKEN = "metrics-token-for-the-test";
/** An address of this machine that is not loopback (a container may have none). */
const outward = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && !a.internal && a.family === "IPv4")?.address;

/** A refusal is one or two plain lines: no stack trace. */
function expectClearRefusal(result: Exited, pattern: RegExp) {
  expect(result.code).not.toBe(0);
  expect(result.code).not.toBeNull();
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
}

const logged = (replica: Replica, pattern: RegExp) => replica.log.filter((line) => pattern.test(line));

// Each test starts a process through tsx: slow on a busy 2-core machine, hence the generous timeouts.
const slow = { timeout: 120_000 };

describe.concurrent("production", slow, () => {
  it("runs Slack alone: Slack answers, /api/messages is 404, and it listens beyond loopback", async () => {
    const server = await started({ NODE_ENV: "production", ...SLACK, METRICS_TOKEN });
    expect(server.url).toBe(server.url.replace("127.0.0.1", "localhost"));
    const command = form({ command: "/samordna", text: "", user_id: "UDEPLOY", channel_id: "DDEPLOY", team_id: "T1", trigger_id: "t.1", response_url: "http://127.0.0.1:9/unused" });
    const slack = await slackRequest(server.url, SECRET, command, { contentType: "application/x-www-form-urlencoded" });
    expect(slack.status).toBe(200);
    const forged = await slackRequest(server.url, "wrong-secret", command, { contentType: "application/x-www-form-urlencoded" });
    expect(forged.status).toBe(401);
    const chat = teamsClient(server.url, "http://127.0.0.1:9", teamsUser("deploy", "Deploy"));
    expect((await chat.say("hej")).status).toBe(404);
    expect((await fetch(`${server.url}/web/api/people`)).status).toBe(404);
    expect(logged(server, /Teams|WITHOUT authentication/i).filter((l) => /"level":40/.test(l))).toEqual([]);
    if (outward) expect((await fetch(server.url.replace("localhost", outward) + "/healthz")).status).toBe(200);
  });

  it("serves /metrics only with the bearer METRICS_TOKEN", async () => {
    const server = await started({ NODE_ENV: "production", ...SLACK, METRICS_TOKEN });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer wrong-token-of-some-length" } })).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: METRICS_TOKEN } })).status).toBe(401);
    const ok = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("samordna_turns_total");
  });

  it("with Teams credentials and no METRICS_TOKEN: /api/messages wants a token, /metrics is not served", async () => {
    const server = await started({ NODE_ENV: "production", ...TEAMS });
    const chat = teamsClient(server.url, "http://127.0.0.1:9", teamsUser("deploy", "Deploy"));
    expect((await chat.say("hej")).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("refuses to start without an authenticated channel, naming both", async () => {
    expectClearRefusal(await startRefused({ NODE_ENV: "production", DATABASE_URL: database() }), /MicrosoftAppId or SLACK_SIGNING_SECRET \+ SLACK_BOT_TOKEN/);
  });

  it("refuses to start with WEB_CHAT=true", async () => {
    expectClearRefusal(await startRefused({ NODE_ENV: "production", WEB_CHAT: "true", ...SLACK, DATABASE_URL: database() }), /WEB_CHAT: must not be true/);
  });
});

describe.concurrent("development mode", slow, () => {
  it("listens on 127.0.0.1 only, and serves /metrics without a token", async () => {
    const server = await started({});
    expect(new URL(server.url).hostname).toBe("127.0.0.1");
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
    if (outward) await expect(fetch(server.url.replace("127.0.0.1", outward) + "/healthz")).rejects.toThrow();
    expect(logged(server, /HOST .* is not loopback/)).toEqual([]);
  });

  it("warns at start when HOST is not loopback", async () => {
    const server = await started({ HOST: "0.0.0.0" });
    expect(logged(server, /"level":40.*HOST 0\.0\.0\.0 is not loopback while \/api\/messages .* and the web chat/)).toHaveLength(1);
  });

  it("refuses an activity whose serviceUrl is not loopback with 400 and a log line, fetching nothing", async () => {
    // A would-be Bot Connector reachable from here, on an outward address when the machine has one.
    const requests: string[] = [];
    const fake = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "29:x", email: "admin@example.org" }));
    });
    await new Promise<void>((resolve) => fake.listen(0, "0.0.0.0", resolve));
    try {
      const serviceUrl = `http://${outward ?? "192.0.2.1"}:${(fake.address() as AddressInfo).port}/`;
      const server = await started({});
      const chat = teamsClient(server.url, serviceUrl, teamsUser("intruder", "Intruder"));
      const refused = await chat.say("mina behov");
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatch(/loopback serviceUrl/);
      expect((await postActivity(server.url, chat.activity({ type: "message", text: "hej", serviceUrl: "https://smba.trafficmanager.net/emea/" }))).status).toBe(400);
      // Both refusals logged: each request ended there, before any turn ran, so nothing can still fetch.
      expect(await server.waitForLog(/teams: activity refused/, 2)).toHaveLength(2);
      expect(requests).toEqual([]);
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
  });
});

describe.concurrent("a setting that does not work", slow, () => {
  it("a port in use: one line naming PORT", async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    try {
      const port = String((taken.address() as AddressInfo).port);
      expectClearRefusal(await startRefused({ PORT: port, DATABASE_URL: database() }), new RegExp(`^PORT: ${port} is already in use on 127\\.0\\.0\\.1`, "m"));
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("a database path that cannot be created: one line naming DATABASE_URL", async () => {
    const file = path.join(dir, "a-file");
    writeFileSync(file, "not a directory");
    expectClearRefusal(await startRefused({ DATABASE_URL: `file:${file}/sub/samordna.db` }), /^DATABASE_URL: cannot open the SQLite database .*a-file\/sub\/samordna\.db \(ENOTDIR/m);
  });

  it("a database server that does not answer: one line naming DATABASE_URL, without the password", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await startRefused({ DATABASE_URL: `postgresql://samordna:s3cret-pw@127.0.0.1:${port}/samordna` });
    expectClearRefusal(result, new RegExp(`^DATABASE_URL: the PostgreSQL server at 127\\.0\\.0\\.1:${port} \\(database samordna\\) does not answer \\(ECONNREFUSED`, "m"));
    expect(result.stderr).not.toContain("s3cret-pw");
  });
});
