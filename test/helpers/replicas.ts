// Real server processes (`src/main.ts`, as deployed) for multi-replica tests:
// each on a free loopback port, sharing whatever DATABASE_URL they are given.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface Replica {
  url: string;
  process: ChildProcess;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Everything the process logged to stdout (pino JSON lines). */
  log: string[];
  /** Resolves with the lines matching `pattern` once there are `count` of them (an event, not a poll). */
  waitForLog(pattern: RegExp, count: number): Promise<string[]>;
  /** SIGTERM (a graceful stop) and its exit code. */
  stop(): Promise<number | null>;
}

/** Starts a replica and resolves once it logs the URL it listens on. */
export function startReplica(databaseUrl: string, env: Record<string, string> = {}): Promise<Replica> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "src", "main.ts")], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "development", PORT: "0", DATABASE_URL: databaseUrl, LOG_LEVEL: "info", JOBS: "false", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const log: string[] = [];
  const waiting = new Set<() => void>();
  const waitForLog = (pattern: RegExp, count: number) =>
    new Promise<string[]>((resolve) => {
      const check = () => {
        const lines = log.filter((line) => pattern.test(line));
        if (lines.length < count) return;
        waiting.delete(check);
        resolve(lines);
      };
      waiting.add(check);
      check();
    });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      log.push(line);
      for (const check of [...waiting]) check();
      try {
        const entry = JSON.parse(line) as { url?: string; msg?: string };
        if (entry.url && entry.msg?.startsWith("Samordna listening")) {
          resolve({
            url: entry.url,
            process: child,
            exited,
            log,
            waitForLog,
            stop: () => {
              child.kill("SIGTERM");
              return exited;
            },
          });
        }
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => reject(new Error(`replica exited with ${code} before listening:\n${stderr}`)));
  });
}

export interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `src/main.ts` expecting it to refuse: resolves with its exit code and output (killed after 60 s). */
export function startRefused(env: Record<string, string>): Promise<Exited> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "src", "main.ts")],
      { cwd: ROOT, timeout: 60_000, env: { ...process.env, NODE_ENV: "development", PORT: "0", LOG_LEVEL: "info", JOBS: "false", ...env } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

/** One CLI command (`src/cli.ts`, as operators run it) in its own process; resolves with its output. */
export function runCli(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "src", "cli.ts"), ...args],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: "warn", ...env } },
      (err, stdout, stderr) => (err ? reject(new Error(`cli ${args.join(" ")}: ${err.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

/** A replica's metric value (its /metrics), summed over the label sets that match `labels`. */
export async function metricValue(replica: Replica, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${replica.url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    const m = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => (m[2] ?? "").includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}
