// The boundaries of DESIGN.md, read from the source: chat SDKs stay in their
// channel folder, the domain does no I/O, and only src/store knows Prisma.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(import.meta.dirname, "../../src");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === "generated" ? [] : files(full);
    return /\.(ts|js)$/.test(d.name) ? [full] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]);
}

const rules: { pattern: RegExp; allowedIn: string[]; what: string }[] = [
  { pattern: /^botbuilder/, allowedIn: ["bots/teams/"], what: "botbuilder" },
  { pattern: /^@slack\//, allowedIn: ["bots/slack/"], what: "Slack SDKs" },
  { pattern: /^@prisma\/|\/generated\/|^pg$|^better-sqlite3$/, allowedIn: ["store/"], what: "the database" },
  // The portfolio and its sign-in are a web interface of their own beside the chat channels (DESIGN.md).
  { pattern: /^express$|^node:http$|^node:https$/, allowedIn: ["bots/", "server.ts", "portfolio/", "auth/"], what: "HTTP" },
  { pattern: /^openid-client$|^jose$/, allowedIn: ["auth/"], what: "sign-in libraries" },
];

describe("architecture", () => {
  const all = files(SRC).map((f) => ({ rel: path.relative(SRC, f), imports: imports(f) }));

  it("finds the source", () => {
    expect(all.length).toBeGreaterThan(20);
  });

  for (const rule of rules) {
    it(`imports ${rule.what} only in ${rule.allowedIn.join(", ")}`, () => {
      const offenders = all.filter((f) => !rule.allowedIn.some((a) => f.rel.startsWith(a)) && f.imports.some((i) => rule.pattern.test(i)));
      expect(offenders.map((f) => f.rel)).toEqual([]);
    });
  }

  it("keeps src/domain free of card layout, channels, jobs and texts: they are given to it", () => {
    const domain = all.filter((f) => f.rel.startsWith("domain/"));
    const bad = domain.filter((f) => f.imports.some((i) => /^\.\.\/(cards|bots|jobs|i18n)\//.test(i)));
    expect(bad.map((f) => f.rel)).toEqual([]);
  });

  it("builds message addresses and audit subjects (person:…, teams:…, slack:…) only in their one module each", () => {
    // A literal that is such a string or pattern: `person:${id}`, "slack:", /^(teams|slack):/.
    const handmade = /[`"'](person|teams|slack|workPackage|initiative):(\$\{|["'`])|\((teams\|slack|slack\|teams)\):/;
    const allowed = ["domain/addresses.ts", "domain/auditSubjects.ts"];
    const code = (rel: string) => readFileSync(path.join(SRC, rel), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    const bad = all.filter((f) => !allowed.includes(f.rel) && !f.rel.startsWith("bots/") && !f.rel.startsWith("store/generated") && handmade.test(code(f.rel)));
    expect(bad.map((f) => f.rel)).toEqual([]);
  });

  it("keeps Teams and Slack conversation references out of src/domain: it knows a target only as an address", () => {
    // A conversation reference (serviceUrl, conversation id, channelData) or a Teams thread id is the channel adapters' business.
    const platform = /\bserviceUrl\b|conversationReference|ConversationReference|\bchannelData\b|@thread\.(tacv2|skype|v2)|\bdmChannel\b/;
    const domain = all.filter((f) => f.rel.startsWith("domain/"));
    expect(domain.filter((f) => platform.test(readFileSync(path.join(SRC, f.rel), "utf8"))).map((f) => f.rel)).toEqual([]);
  });

  it("keeps what only Slack shows (the App Home tab) with Slack, out of src/cards", () => {
    const cards = all.filter((f) => f.rel.startsWith("cards/"));
    expect(cards.filter((f) => /\bt\("slack\./.test(readFileSync(path.join(SRC, f.rel), "utf8"))).map((f) => f.rel)).toEqual([]);
  });

  it("keeps src/store off the wall clock where the caller's time matters (`jobs run --at`)", () => {
    const store = all.filter((f) => f.rel.startsWith("store/"));
    expect(store.filter((f) => /Date\.now\(\)/.test(readFileSync(path.join(SRC, f.rel), "utf8"))).map((f) => f.rel)).toEqual([]);
  });

  it("passes the display zone (TIMEZONE) along, never as a mutable module global", () => {
    // A setter like setDisplayZone, a module-level `let zone`, or Luxon's process-wide Settings.defaultZone would make
    // card and page output depend on what ran first; the zone travels in CardContext / PageContext instead.
    const global = /\bset\w+Zone\s*\(|^let\s+\w*(zone|timezone)\b|Settings\.defaultZone\s*=(?!=)/im;
    expect(all.filter((f) => global.test(readFileSync(path.join(SRC, f.rel), "utf8"))).map((f) => f.rel)).toEqual([]);
  });

  it("keeps src/domain free of chat SDKs, HTTP and the file system", () => {
    const domain = all.filter((f) => f.rel.startsWith("domain/"));
    const bad = domain.filter((f) => f.imports.some((i) => /^(node:(fs|http|https|net|child_process)|express|botbuilder|@slack\/|\.\.\/bots\/)/.test(i)));
    expect(bad.map((f) => f.rel)).toEqual([]);
  });
});
