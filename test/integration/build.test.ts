// `npm start` as deployed: builds dist/ when it is missing or stale, then runs
// the built JavaScript (no tsx), which finds its migrations, the demo data and
// the web chat's static files from dist/. Runs in a copy of the checkout's
// layout in the temp directory (scripts copied, the rest linked), so the
// build never writes into the work tree.
import { execFile, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { cardText, webChat } from "../helpers/server.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const checkout = mkdtempSync(path.join(tmpdir(), "samordna-build-"));
for (const entry of ["src", "prisma", "examples", "node_modules", "package.json"]) symlinkSync(path.join(ROOT, entry), path.join(checkout, entry));
mkdirSync(path.join(checkout, "scripts"));
for (const script of ["build.mjs", "start.mjs"]) cpSync(path.join(ROOT, "scripts", script), path.join(checkout, "scripts", script));
afterAll(() => rmSync(checkout, { recursive: true, force: true }));

/** `node scripts/start.mjs` (what `npm start` runs) until it listens; its stderr tells whether it built. */
function npmStart(databaseUrl: string): Promise<{ url: string; stderr: () => string; stop: () => Promise<unknown> }> {
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: checkout,
    env: { ...process.env, NODE_ENV: "development", PORT: "0", DATABASE_URL: databaseUrl, LOG_LEVEL: "info", JOBS: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const url = /"url":"([^"]+)".*Samordna listening/.exec(line)?.[1];
      if (url) resolve({ url, stderr: () => stderr, stop: () => (child.kill("SIGTERM"), exited) });
    });
    void exited.then((code) => reject(new Error(`exited with ${code}:\n${stderr}`)));
  });
}

describe("npm start", { timeout: 180_000 }, () => {
  it("builds when dist/ is missing, runs the built server with its data and static files, and rebuilds only when stale", async () => {
    const databaseUrl = `file:${path.join(checkout, "data", "samordna.db")}`;
    const first = await npmStart(databaseUrl);
    try {
      expect(first.stderr()).toContain("building it");
      expect(existsSync(path.join(checkout, "dist", "main.js"))).toBe(true);
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${first.url}/`)).text()).toContain("<html");
      expect((await fetch(`${first.url}/web/chat.js`)).status).toBe(200);
      // The demo data (examples/) is there, and a turn goes through the built Prisma client.
      const people = (await (await fetch(`${first.url}/web/api/people`)).json()) as { id: number }[];
      expect(people.length).toBeGreaterThan(0);
      expect(cardText((await webChat(first.url, people[0].id).say("hjälp")).cards[0])).toContain("Samordna");
    } finally {
      await first.stop();
    }

    const again = await npmStart(databaseUrl);
    await again.stop();
    expect(again.stderr()).not.toContain("building it");

    // A build older than the sources (a pull, an edit) is rebuilt.
    utimesSync(path.join(checkout, "dist", ".build"), new Date(0), new Date(0));
    const stale = await npmStart(databaseUrl);
    await stale.stop();
    expect(stale.stderr()).toContain("building it");
  });

  it("npm run build writes no TypeScript imports into dist/", async () => {
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, ["scripts/build.mjs"], { cwd: checkout }, (err) => (err ? reject(err) : resolve())),
    );
    const main = await import("node:fs").then((fs) => fs.readFileSync(path.join(checkout, "dist", "main.js"), "utf8"));
    expect(main).toContain('from "./app.js"');
    expect(main).not.toMatch(/from "\.[^"]*\.ts"/);
  });
});
