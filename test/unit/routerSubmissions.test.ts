// The router's two ways to make one submission one change (issue 19): a
// "once" verb is recorded in the ledger (InboundEvent) before its handler
// runs; a "storesSubmission" verb gets the submission's key and stores it on
// the row it creates, so nothing else is recorded.
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createRouter } from "../../src/bots/core/router.ts";
import type { Feature } from "../../src/bots/core/types.ts";
import type { Person } from "../../src/domain/types.ts";

const person = { id: 1, displayName: "P", email: null, locale: "sv", roles: ["employee"], departmentId: null } as unknown as Person;
const options = { log: pino({ level: "silent" }), zone: "Europe/Stockholm", fallback: async () => ({ cards: [] }) };

function setup() {
  const keys: (string | undefined)[] = [];
  const ledger: string[] = [];
  const feature: Feature = {
    actions: {
      "demo.create": async (ctx) => (keys.push(ctx.submissionKey), { cards: [] }),
      "demo.change": async () => ({ cards: [] }),
    },
    once: ["demo.change"],
    storesSubmission: ["demo.create"],
  };
  const router = createRouter([feature], {
    ...options,
    submissions: {
      firstSeen: async (_platform, key) => (ledger.push(key), true),
      forget: async () => {},
    },
  });
  const click = (verb: string, data: Record<string, unknown>, submission?: string) =>
    router.handle({ person, platform: "web", personal: true, action: { verb, data }, ...(submission ? { submission } : {}) });
  return { router, keys, ledger, click };
}

describe("one submission, one change", () => {
  it("hands a storesSubmission verb its key, the same for the same card and data, and records nothing", async () => {
    const { router, keys, ledger, click } = setup();
    await click("demo.create", { title: "A" }, "card:1:turn-1");
    await click("demo.create", { title: "A" }, "card:1:turn-1");
    await click("demo.create", { title: "B" }, "card:1:turn-1");
    await click("demo.create", { title: "A" }, "card:1:turn-2");
    await click("demo.create", { title: "A" });
    expect(keys[0]).toMatch(/^submit:card:1:turn-1\|demo\.create\|/);
    expect(keys[1]).toBe(keys[0]);
    expect(new Set(keys.slice(0, 4)).size).toBe(3);
    expect(keys[4]).toBeUndefined(); // no card named: nothing to key by
    expect(ledger).toEqual([]);
    expect(router.storesSubmission("demo.create")).toBe(true);
    expect(router.storesSubmission("demo.change")).toBe(false);
  });

  it("records a once verb in the ledger, with the same key a storesSubmission verb would get", async () => {
    const { ledger, click } = setup();
    await click("demo.change", { title: "A" }, "card:1:turn-1");
    expect(ledger).toEqual([expect.stringMatching(/^submit:card:1:turn-1\|demo\.change\|/)]);
  });

  it("refuses a verb that is both once and storesSubmission: one record of a submission is enough", () => {
    const both: Feature = { actions: { "demo.x": async () => ({ cards: [] }) }, once: ["demo.x"], storesSubmission: ["demo.x"] };
    expect(() => createRouter([both], options)).toThrow(/both "once" and "storesSubmission"/);
  });
});
