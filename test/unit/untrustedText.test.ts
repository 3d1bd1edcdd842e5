// Issue 17, findings 1, 2, 8, 9, 10 and 11 at the units: user text is text on
// every card and in Slack, sources are the platform's own message links,
// cadences at most daily, ids in range, invisible text refused, CSV safe.
import { describe, expect, it } from "vitest";
import { mrkdwn, toMessage } from "../../src/bots/slack/blockKit.ts";
import { csvCell } from "../../src/cli/csv.ts";
import { cardContext } from "../../src/cards/context.ts";
import { digestCard } from "../../src/cards/digestCard.ts";
import { plainText, unescapeMarkdown } from "../../src/cards/elements.ts";
import { myNeedsCard, needCard } from "../../src/cards/needCard.ts";
import { needUpdateNotificationCard } from "../../src/cards/needNotifications.ts";
import { triageQueueCard } from "../../src/cards/triageCard.ts";
import { cadenceProblem } from "../../src/domain/cadence.ts";
import { ValidationError } from "../../src/domain/errors.ts";
import { parseId } from "../../src/domain/ids.ts";
import { messageLink } from "../../src/domain/messageLinks.ts";
import { parseNeedDraft } from "../../src/domain/needDraft.ts";
import { singleLine } from "../../src/domain/text.ts";
import { translator } from "../../src/i18n/index.ts";
import { sampleDigest, sampleNeed } from "../fixtures/cards.ts";

const ctx = cardContext("en", "Europe/Stockholm");
const LINK = "[Log in here](https://evil.example/login)";
const hostile = sampleNeed({ title: LINK, problem: "**urgent** <!channel> _now_ <@U123>\n- a list\n1. item", reporterName: "[Boss](https://evil.example)" });

/** Every TextBlock text and fact value of a card. */
function markdownTexts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => markdownTexts(n, out));
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.type === "TextBlock" && typeof o.text === "string") out.push(o.text);
    if (typeof o.title === "string" && typeof o.value === "string" && !("type" in o)) out.push(o.value);
    Object.values(o).forEach((v) => markdownTexts(v, out));
  }
  return out;
}

/** An Adaptive Card markdown link, bold or list the text would render (unescaped markers only). */
const LIVE_MARKDOWN = /(?<!\\)\[[^\]]*(?<!\\)\]\(|(?<![\\*])\*\*(?!\\)|^\s*[-+]\s|^\d+[.)]\s/m;

describe("finding 1: user text is escaped on cards (Teams, web) and in Slack", () => {
  const cards = {
    need: needCard(ctx, hostile, [], { canChange: false }),
    mine: myNeedsCard(ctx, [hostile], []),
    triage: triageQueueCard(ctx, { entries: [{ need: hostile, ageWorkingDays: 3, overdue: false }], total: 1, awaitingReply: 0, targetDays: 10 }),
    digest: digestCard(ctx, { ...sampleDigest(), newNeeds: { total: 1, items: [{ ...sampleDigest().newNeeds.items[0]!, title: LINK }] } }),
    notification: needUpdateNotificationCard(ctx, hostile, { action: "decline", note: LINK } as never),
  };

  it.each(Object.entries(cards))("%s card: no markdown link, format or list made of user text", (_name, card) => {
    const texts = markdownTexts(card).filter((t) => t.includes("evil") || t.includes("urgent"));
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) {
      // The bot's own markdown: list bullets and the bold reference.
      const userPart = text.replace(/^- /gm, "").replace(/\*\*N-\d{4}-\d{4}\*\* /g, "");
      expect(userPart).not.toMatch(LIVE_MARKDOWN);
      expect(unescapeMarkdown(text)).toContain(text.includes("evil") ? "evil.example" : "<!channel>");
    }
  });

  it.each(Object.entries(cards))("%s card in Slack: no link, mention, broadcast or format", (_name, card) => {
    const message = toMessage(card, translator("en"));
    const json = JSON.stringify(message);
    expect(json).not.toContain("<https://evil.example");
    expect(json).not.toContain("<!channel>");
    expect(json).not.toContain("<@U123>");
    expect(json).not.toMatch(/(?<!\\u200b)\*urgent\*/i);
    expect(message.text).not.toContain("<!channel>");
  });

  it("keeps the bot's own markdown and shows the typed text literally", () => {
    expect(unescapeMarkdown(plainText("a\\b *c* [d](e) - f"))).toBe("a\\b *c* [d](e) - f");
    expect(mrkdwn(`**Bold by the bot** ${plainText("*x* <!channel> [a](https://b.example)")}`)).toBe(
      "*Bold by the bot* *\u200Bx*\u200B &lt;!channel&gt; [a](https://b.example)",
    );
    expect(mrkdwn("[bot link](https://samordna.example)")).toBe("<https://samordna.example|bot link>");
  });
});

describe("finding 2: a need's source is a message link of its own platform", () => {
  it.each([
    ["https://stockholm.slack.com/archives/C0FORUM/p1700000123000200", "slack", true],
    ["https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1700000123000?tenantId=x", "teams", true],
    ["https://evil.example/login", "slack", false],
    ["https://evil.example/login", "web", false],
    ["https://stockholm.slack.com.evil.example/archives/C1/p1", "slack", false],
    ["https://stockholm.slack.com/archives/C0FORUM/p1700000123000200", "teams", false],
    ["http://stockholm.slack.com/archives/C1/p1", "slack", false],
    ["https://user:pw@stockholm.slack.com/archives/C1/p1", "slack", false],
    ["javascript:alert(1)", "web", false],
  ] as const)("%s on %s: %s", (url, platform, ok) => {
    expect(messageLink(url, platform) !== null).toBe(ok);
  });
});

describe("finding 8: a cadence pings at most once a day", () => {
  it.each(["* * * * *", "*/5 * * * *", "0 * * * *", "0 9,15 * * 1", "0,30 9 * * *"])("refuses %s", (cron) => {
    expect(cadenceProblem(cron, "Europe/Stockholm")).toMatch(/at most one ping a day/);
  });
  it.each(["0 9 * * 1", "30 8 * * 1-5", "0 9 * * 1 every 2 weeks from 2026-01-05"])("accepts %s", (cron) => {
    expect(cadenceProblem(cron, "Europe/Stockholm")).toBeNull();
  });
});

describe("finding 9: ids out of range are no ids", () => {
  it.each([1e308, "1e308", "99999999999999999999", 2 ** 31, -1, 0, 1.5, "12abc", Number.NaN, null, {}])("%s", (value) => {
    expect(parseId(value)).toBeNull();
  });
  it("takes ids as numbers and digit strings", () => {
    expect(parseId(42)).toBe(42);
    expect(parseId("42")).toBe(42);
    expect(parseId(2 ** 31 - 1)).toBe(2 ** 31 - 1);
  });
});

describe("finding 10: invisible and spoofed text", () => {
  const valid = { problem: "A problem described well enough.", urgency: "low" };
  const errorsOf = (values: Record<string, unknown>) => {
    try {
      parseNeedDraft(values, []);
      return {};
    } catch (err) {
      return (err as ValidationError).fields;
    }
  };

  it("refuses a title of only zero-width or control characters, with a field error", () => {
    expect(errorsOf({ ...valid, title: "\u200B\u200B\u200B\u200B" })).toEqual({ title: { key: "validation.required" } });
    expect(errorsOf({ ...valid, title: "\u202E\u2066\u200F\uFEFF\u2060" })).toEqual({ title: { key: "validation.required" } });
  });

  it("strips bidi overrides and zero-width spaces from titles, normalises to NFC, keeps emoji sequences", () => {
    const draft = parseNeedDraft({ ...valid, title: "Cafe\u0301 \u202Etxt.exe\u202C \u200Bok 👩‍💻" }, []);
    expect(draft.title).toBe("Café txt.exe ok 👩‍💻");
    expect(singleLine("a\nb")).toBe("a b");
  });

  it("keeps the rest of the input when a lone surrogate arrives", () => {
    const draft = parseNeedDraft({ ...valid, title: "Broken \uD83D end", problem: "Text \uDC00 with half a pair" }, []);
    expect(draft.title).toBe("Broken \uFFFD end");
    expect(draft.problem).toBe("Text \uFFFD with half a pair");
  });
});

describe("finding 11: CSV formula guard after leading whitespace", () => {
  it.each(["=1+1", "\t=cmd|' /C calc'!A0", " \n+1", "\r-2", "\u00A0@SUM(A1)", "\u200B=1"])("%j is prefixed", (value) => {
    expect(csvCell(value)).toBe(`"'${value.replace(/"/g, '""')}"`);
  });
  it("leaves ordinary text alone", () => {
    expect(csvCell("Parking 2 = fine")).toBe('"Parking 2 = fine"');
  });
});
