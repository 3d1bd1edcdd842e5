// Two replicas on one database, each with its own similarity index: a need
// saved, changed or withdrawn through one is suggested, or stops being
// suggested, by the other on its very next lookup (each lookup first applies
// the changes since its last sync, by the needs' updatedAt watermark). While the
// index is first built the portfolio answers without it.
import { afterEach, describe, expect, it } from "vitest";
import { createNeedService } from "../../src/domain/needs.ts";
import { openStore, type Store } from "../../src/store/index.ts";
import { createTestDb, personByEmail, type TestDb } from "../helpers/db.ts";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { createPortfolioService, parseFilters } from "../../src/domain/portfolio.ts";
import { pageContext } from "../../src/portfolio/views/layout.ts";
import { needPage } from "../../src/portfolio/views/need.ts";
import { needsPage } from "../../src/portfolio/views/needs.ts";

let db: TestDb | undefined;
let other: Store | undefined;
afterEach(async () => {
  await other?.close();
  await db?.cleanup();
  db = other = undefined;
});

const clock = () => new Date();
const parking = {
  title: "Brist på parkeringsplatser vid vårdcentralen",
  problem: "Patienter med rörelsehinder hittar inga parkeringsplatser nära entrén och kommer för sent till sina tider.",
  urgency: "medium",
};
const reworded = "Svårt att hitta platser att parkera på nära vårdcentralen. Besökare som har svårt att gå får ställa bilen långt bort.";

describe("similar needs across replicas", () => {
  it("follows what another replica saves, changes and withdraws", async () => {
    db = await createTestDb();
    other = await openStore(db.url);
    const a = createNeedService(db.store, clock);
    const b = createNeedService(other, clock);
    const lars = await personByEmail(db.store, "lars.andersson");

    expect(await b.find(reworded)).toEqual([]); // b's index is built now, before the need exists
    const saved = await a.submit(lars, parking, { skipSimilar: true });
    if (saved.kind !== "created") throw new Error("not created");
    expect((await b.find(reworded)).map((n) => n.reference)).toEqual([saved.need.reference]);

    // Changed elsewhere into another need: b stops suggesting it for the old subject, and finds the new one.
    const edited = await a.edit(lars, saved.need.id, {
      title: "Laddplatser för stadens elbilar",
      problem: "Förvaltningarna vill byta till elbilar men det finns inga laddstolpar vid arbetsplatserna.",
      urgency: "medium",
    });
    expect(await b.find(reworded)).toEqual([]);
    expect((await b.find("laddstolpar för elbilar vid arbetsplatsen")).map((n) => n.id)).toEqual([edited.id]);

    // Closed elsewhere: no longer suggested, not even before saving a need on the same subject.
    await a.withdraw(lars, saved.need.id);
    expect(await b.find("laddstolpar för elbilar vid arbetsplatsen")).toEqual([]);
    const karin = await personByEmail(other, "karin.ek");
    const result = await b.submit(karin, { title: "Laddstolpar för elbilar", problem: "Det finns inga laddstolpar vid arbetsplatserna för förvaltningarnas elbilar.", urgency: "low" });
    expect(result.kind).toBe("created");
  });

  it("answers without similar needs while the index is first built, builds it once for everyone waiting, then finds", async () => {
    db = await createTestDb();
    const store = db.store;
    const lars = await personByEmail(store, "lars.andersson");
    const saved = await createNeedService(store, clock).submit(lars, parking, { skipSimilar: true });
    if (saved.kind !== "created") throw new Error("not created");

    // The first load of needs waits until released, as it does for seconds at 100,000 needs.
    const loads: (Date | null)[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const changedSince = store.needs.changedSince.bind(store.needs);
    const slowStore = {
      ...store,
      needs: {
        ...store.needs,
        changedSince: async (...args: Parameters<typeof changedSince>) => {
          loads.push(args[0]);
          if (loads.length === 1) await released;
          return changedSince(...args);
        },
      },
    };
    const needs = createNeedService(slowStore, clock);

    expect(await needs.similarToIfReady(reworded)).toBeNull();
    const waiting = needs.find(reworded); // reporting a need waits for the index
    expect(await needs.similarToIfReady(reworded)).toBeNull();

    // The portfolio answers meanwhile: a need's page without its similar needs, a search asks to try again.
    const app = createApp({ config: loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: "silent" }, "/nonexistent/.env"), store, log: createLogger("silent") });
    const portfolio = createPortfolioService({ store, needs, digests: app.digests, clock, calendar: app.calendar, zone: "Europe/Stockholm" });
    const ctx = pageContext("en", "Europe/Stockholm", "/portfolio", { personName: lars.displayName, csrf: "x" });
    const page = await portfolio.need(lars, saved.need.reference);
    expect(page.similar).toBeNull();
    expect(needPage(ctx, page, undefined).toString()).toContain("Similar needs are being looked up after a restart");
    const searched = await portfolio.list(parseFilters({ q: "parkering" }));
    expect(searched).toMatchObject({ rows: [], searchPending: true });
    const listHtml = needsPage(ctx, { filters: parseFilters({ q: "parkering" }), ...searched, departments: [], workPackages: [] }).toString();
    expect(listHtml).toContain("Search is being prepared after a restart");
    expect(loads).toEqual([null]); // one build, not one per caller
    release();
    expect((await waiting).map((n) => n.reference)).toEqual([saved.need.reference]);
    expect(await needs.similarToIfReady(reworded)).toEqual([saved.need.id]);
  });
});
