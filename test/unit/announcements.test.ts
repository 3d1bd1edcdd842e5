// Announcement rules without a database: the form's checks, the language
// fallback and how a recipient's outcome is read from its outbox row.
import { describe, expect, it } from "vitest";
import { announcementText, parseAnnouncementForm, recipientOutcome, reportOf, type RecipientRow } from "../../src/domain/announcements.ts";
import { ValidationError } from "../../src/domain/errors.ts";

const NOW = new Date("2026-11-29T12:00:00Z");
const options = { channels: ["slack:C0NEWS"], zone: "Europe/Stockholm", now: NOW };
const fieldsOf = (data: Record<string, unknown>) => {
  try {
    parseAnnouncementForm(data, options);
    return [];
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return Object.keys(err.fields).sort();
  }
};

describe("announcement form", () => {
  it("reads one language, the audience and a time in TIMEZONE", () => {
    const { content, scheduledAt } = parseAnnouncementForm(
      { title_en: " Hello ", text_en: "Text", departments: "3,3,x", roles: "lead,king", channels: ["slack:C0NEWS", "slack:CFORGED"], sendDate: "2026-12-01", sendTime: "09:30", acknowledge: "true" },
      options,
    );
    expect(content.en).toEqual({ title: "Hello", text: "Text" });
    expect(content.sv).toEqual({ title: "", text: "" });
    expect(content.audience).toEqual({ everyone: false, departments: [3], roles: ["lead"], workPackages: [], initiatives: [], channels: ["slack:C0NEWS"] });
    expect(content.acknowledge).toBe(true);
    expect(scheduledAt?.toISOString()).toBe("2026-12-01T08:30:00.000Z");
  });

  it("marks every problem at once", () => {
    expect(fieldsOf({})).toEqual(["everyone", "title_sv"]);
    expect(fieldsOf({ title_sv: "Rubrik", everyone: "true" })).toEqual(["text_sv"]);
    expect(fieldsOf({ title_sv: "R", text_sv: "x".repeat(2501), everyone: "true", linkUrl: "http://a.example", imageUrl: "https://a b" })).toEqual(["imageUrl", "linkUrl", "text_sv"]);
    expect(fieldsOf({ title_sv: "R", text_sv: "T", everyone: "true", sendDate: "2026-11-28", sendTime: "10:00" })).toEqual(["sendDate"]);
    expect(fieldsOf({ title_sv: "R", text_sv: "T", everyone: "true", sendDate: "29/11" })).toEqual(["sendDate"]);
    expect(fieldsOf({ title_sv: "R", text_sv: "T", everyone: "true", linkUrl: "https://start.stockholm/a?b=c" })).toEqual([]);
  });

  it("falls back to the other language when the recipient's is empty", () => {
    const a = { sv: { title: "Hej", text: "Svensk text" }, en: { title: "", text: "" } };
    expect(announcementText(a, "en")).toEqual(a.sv);
    expect(announcementText({ ...a, en: { title: "Hi", text: "English" } }, "en")).toEqual({ title: "Hi", text: "English" });
  });
});

describe("recipient outcomes", () => {
  const row = (outbox: RecipientRow["outbox"], extra: Partial<RecipientRow> = {}): RecipientRow => ({ target: "person:1", locale: "sv", recorded: "queued", acknowledged: false, outbox, ...extra });
  it("reads delivery from the outbox row, and a read receipt above all", () => {
    expect(recipientOutcome(row({ status: "pending", lastError: null }))).toBe("queued");
    expect(recipientOutcome(row({ status: "sent", lastError: null }))).toBe("sent");
    expect(recipientOutcome(row({ status: "failed", lastError: "unreachable: no account" }))).toBe("unreachable");
    expect(recipientOutcome(row({ status: "failed", lastError: "permanent: 400" }))).toBe("failed");
    expect(recipientOutcome(row({ status: "cancelled", lastError: null }))).toBe("cancelled");
    expect(recipientOutcome(row({ status: "sent", lastError: null }, { acknowledged: true }))).toBe("acknowledged");
    const report = reportOf([row({ status: "sent", lastError: null }), row({ status: "sent", lastError: null }, { acknowledged: true }), row(null)]);
    expect(report).toMatchObject({ sent: 1, acknowledged: 1, queued: 1, total: 3 });
  });
});
