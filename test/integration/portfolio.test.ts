// The portfolio over HTTP in development mode (the person picker signs in):
// lists, filters, search, a need's page, +1 with CSRF, the reporter's name
// shown only by the reporter's choice, and the methods catalogue.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, webChat, type TestServer } from "../helpers/server.ts";
import { csrfOf, textOf, webSession, type WebSession } from "../helpers/webSession.ts";
import { personByEmail } from "../helpers/db.ts";
import { parseFilters } from "../../src/domain/portfolio.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  // Searches wait for the similar-needs index, built in the background at start.
  await server.app.needs.warm();
});
afterAll(async () => {
  await server?.cleanup();
});

async function personId(name: string): Promise<number> {
  const people = await server.app.store.people.all();
  return people.find((p) => p.displayName === name)!.id;
}

async function signIn(name: string): Promise<WebSession> {
  const web = webSession();
  const login = await web.get(`${server.url}/auth/login?returnTo=/portfolio`);
  expect(login.status).toBe(200);
  const res = await web.post(`${server.url}/auth/dev-login`, { _csrf: csrfOf(login.body), personId: String(await personId(name)), returnTo: "/portfolio" });
  expect(res.status).toBe(303);
  expect(res.location).toBe(`${server.url}/portfolio`);
  return web;
}

async function reference(title: string): Promise<string> {
  const needs = await server.app.store.needs.page(0, 100);
  return needs.find((n) => n.title === title)!.reference;
}

describe("portfolio (development sign-in)", () => {
  it("sends a visitor without a session to sign in, and back to where they were going", async () => {
    const web = webSession();
    const res = await web.get(`${server.url}/portfolio?department=1`);
    expect(res.status).toBe(302);
    expect(res.location).toBe(`${server.url}/auth/login?returnTo=%2Fportfolio%3Fdepartment%3D1`);
    const login = await web.get(res.location!);
    expect(textOf(login.body)).toContain("Utvecklingsläge");
    const signedIn = await web.post(`${server.url}/auth/dev-login`, { _csrf: csrfOf(login.body), personId: String(await personId("Peter Holm")), returnTo: "/portfolio?department=1" });
    expect(signedIn.location).toBe(`${server.url}/portfolio?department=1`);
    const post = await webSession().post(`${server.url}/portfolio/needs/N-2026-0001/support`, { _csrf: "x" });
    expect(post.status).toBe(401);
  });

  it("lists open and recently decided needs, filters by department and finds by words", async () => {
    const web = await signIn("Peter Holm");
    const all = textOf((await web.get(`${server.url}/portfolio`)).body);
    expect(all).toContain("Signed in as Peter Holm");
    expect(all).toContain("6 needs");
    expect(all).toContain("Felanmälningar om gatubelysning hamnar i tre olika system");
    expect(all).toContain("A chatbot for every department");

    const tk = (await server.app.store.departments.active()).find((d) => d.code === "TK")!;
    const filtered = textOf((await web.get(`${server.url}/portfolio?department=${tk.id}`)).body);
    expect(filtered).toContain("2 needs");
    expect(filtered).toContain("Felanmälningar om gatubelysning");
    expect(filtered).not.toContain("Air quality sensor data");

    const open = textOf((await web.get(`${server.url}/portfolio?status=accepted&area=environmental`)).body);
    expect(open).toContain("1 needs");
    expect(open).toContain("Air quality sensor data is not shared with schools");

    const found = textOf((await web.get(`${server.url}/portfolio?q=vikarier+schemal%C3%A4ggning`)).body);
    expect(found).toContain("Schemaläggning av vikarier tar för lång tid");
    expect(found).not.toContain("Felanmälningar");

    const bad = await web.get(`${server.url}/portfolio?status=bogus`);
    expect(bad.status).toBe(400);
    expect(textOf(bad.body)).toContain("status bogus");
  });

  it("supports a need from another department with +1 (CSRF checked), and the count changes", async () => {
    const web = await signIn("Fatima Ali");
    const ref = await reference("Felanmälningar om gatubelysning hamnar i tre olika system");
    const page = await web.get(`${server.url}/portfolio/needs/${ref}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/id="supporters">1</);
    expect(textOf(page.body)).toContain("Stötta behovet (+1)");

    const forged = await web.post(`${server.url}/portfolio/needs/${ref}/support`, { _csrf: "forged" });
    expect(forged.status).toBe(403);
    expect((await server.app.store.needs.byReference(ref))!.supporterCount).toBe(1);

    const res = await web.post(`${server.url}/portfolio/needs/${ref}/support`, { _csrf: csrfOf(page.body) });
    expect(res.status).toBe(303);
    const after = await web.get(res.location!);
    expect(after.body).toMatch(/id="supporters">2</);
    expect(textOf(after.body)).toContain(`Tack! Nu stöttar du ${ref}.`);
    // Twice is once.
    await web.post(`${server.url}/portfolio/needs/${ref}/support`, { _csrf: csrfOf(page.body) });
    expect((await server.app.store.needs.byReference(ref))!.supporterCount).toBe(2);
  });

  it("shows the reporter's name only when they chose so; decisions show the coordinator", async () => {
    const web = await signIn("Anna Lindqvist");
    const pages: string[] = [(await web.get(`${server.url}/portfolio`)).body, (await web.get(`${server.url}/portfolio/work`)).body, (await web.get(`${server.url}/portfolio/figures`)).body];
    for (const need of await server.app.store.needs.page(0, 100)) {
      const res = await web.get(`${server.url}/portfolio/needs/${need.reference}`);
      expect(res.status).toBe(200);
      pages.push(res.body);
    }
    const all = pages.join("\n");
    for (const hidden of ["Lars Andersson", "Fatima Ali", "Karin Ek"]) expect(all).not.toContain(hidden);
    expect(all).not.toMatch(/@[a-z]+\.example/);
    // Peter Holm chose to show his name; Anna's decision carries hers.
    const air = textOf((await web.get(`${server.url}/portfolio/needs/${await reference("Air quality sensor data is not shared with schools")}`)).body);
    expect(air).toContain("Peter Holm");
    expect(air).toMatch(/av Anna Lindqvist/);
  });

  it("lets the reporter show or hide their name later", async () => {
    const ref = await reference("Schemaläggning av vikarier tar för lång tid");
    const fatima = await signIn("Fatima Ali");
    const page = await fatima.get(`${server.url}/portfolio/needs/${ref}`);
    expect(textOf(page.body)).toContain("Ditt namn visas inte med behovet.");
    const shown = await fatima.post(`${server.url}/portfolio/needs/${ref}/name`, { _csrf: csrfOf(page.body), show: "yes" });
    expect(shown.status).toBe(303);
    const other = await signIn("Peter Holm");
    expect(textOf((await other.get(`${server.url}/portfolio/needs/${ref}`)).body)).toContain("Fatima Ali");
    // Someone else cannot change it.
    const otherPage = await other.get(`${server.url}/portfolio/needs/${ref}`);
    const refused = await other.post(`${server.url}/portfolio/needs/${ref}/name`, { _csrf: csrfOf(otherPage.body), show: "no" });
    expect(refused.status).toBe(403);
    expect((await server.app.store.needs.byReference(ref))!.showReporterName).toBe(true);
  });

  it("asks on the need form whether to show the reporter's name (off unless ticked)", async () => {
    const karin = webChat(server.url, await personId("Karin Ek"));
    const form = await karin.say("nytt behov");
    expect(JSON.stringify(form.cards[0])).toContain("Visa mitt namn med behovet");
    const values = { title: "Cykelparkering vid äldreboenden", problem: "Personalen har ingenstans att ställa cyklar vid äldreboendena.", urgency: "low" };
    await karin.click("need.submit", { ...values, showName: "show" });
    await karin.click("need.submit", { title: "Tolkbokning per telefon", problem: "Tolkar bokas per telefon och bekräftelsen kommer på papper veckor senare.", urgency: "medium" });
    const needs = await server.app.store.needs.page(0, 100);
    expect(needs.find((n) => n.title === "Cykelparkering vid äldreboenden")!.showReporterName).toBe(true);
    expect(needs.find((n) => n.title === "Tolkbokning per telefon")!.showReporterName).toBe(false);
  });

  it("lists the methods and tools in the viewer's language, and a need's page names the methods attached to it", async () => {
    const { store } = server.app;
    const english = await signIn("James Carter");
    const page = await english.get(`${server.url}/portfolio/methods`);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<a href="\/portfolio\/methods" aria-current="page">Methods and tools<\/a>/);
    const text = textOf(page.body);
    expect(text).toContain("Service design");
    expect(text).toContain("Develop a service together with the people who use and deliver it");
    expect(text).toContain("When no solution on the market meets the need");
    expect(text).toMatch(/Effort\s*High/);
    expect(text).toContain("WP3");
    expect(text).toContain("procurement");
    expect(page.body).toContain('<a href="https://www.upphandlingsmyndigheten.se/" rel="noopener noreferrer">');
    expect(text).not.toContain("Tjänstedesign");

    const swedish = await signIn("Fatima Ali");
    const sv = textOf((await swedish.get(`${server.url}/portfolio/methods`)).body);
    expect(sv).toContain("Tjänstedesign");
    expect(sv).toMatch(/Insats\s*Stor/);
    expect(sv).not.toContain("Service design");
    // Every page links to the catalogue.
    expect((await swedish.get(`${server.url}/portfolio`)).body).toContain('<a href="/portfolio/methods">Metoder och verktyg</a>');

    // A method retired from the catalogue leaves the page; what a person typed into one is escaped.
    const [design, bed] = await Promise.all(["service-design", "test-bed"].map((code) => store.db.method.findUniqueOrThrow({ where: { code } })));
    await store.db.method.update({ where: { id: bed.id }, data: { active: false } });
    await store.db.method.update({ where: { id: design.id }, data: { descriptionEn: "<script>alert(1)</script> with users" } });
    const after = await english.get(`${server.url}/portfolio/methods`);
    expect(textOf(after.body)).not.toContain("Test bed");
    expect(after.body).not.toContain("<script>alert(1)");
    expect(after.body).toContain("&lt;script&gt;alert(1)&lt;/script&gt; with users");

    // Methods attached to a need (at acceptance) appear on its page, linked to the catalogue; retired ones do not.
    const ref = await reference("Air quality sensor data is not shared with schools");
    const need = (await store.needs.byReference(ref))!;
    const needPage = await swedish.get(`${server.url}/portfolio/needs/${ref}`);
    expect(textOf(needPage.body)).not.toContain("Metoder för behovet");
    await store.methods.attach(need.id, [design.id, bed.id], new Date());
    const withMethods = await swedish.get(`${server.url}/portfolio/needs/${ref}`);
    expect(textOf(withMethods.body)).toContain("Metoder för behovet");
    expect(withMethods.body).toContain('<a href="/portfolio/methods#method-service-design">Tjänstedesign</a>');
    expect(textOf(withMethods.body)).not.toContain("Testbädd");
    await store.db.method.update({ where: { id: bed.id }, data: { active: true } });
  });

  it("shows shareable lessons on the need's page and the initiatives' on the work page, escaped and without who wrote them; unshared ones nowhere", async () => {
    const db = server.app.store.db;
    const ref = await reference("Air quality sensor data is not shared with schools");
    const need = (await server.app.store.needs.byReference(ref))!;
    const owner = await personId("Lars Andersson");
    const initiative = await db.initiative.findFirstOrThrow({ orderBy: { id: "asc" } });
    const answered = { ownerId: owner, askedAt: new Date(), answeredAt: new Date() };
    await db.lesson.create({ data: { ...answered, occasionKey: `need:${need.id}:done`, occasion: "need_done", needId: need.id, worked: "Sensors <b>on</b> every school & a weekly call", didNotWork: "", othersShouldKnow: "Start with the caretakers", shareable: true } });
    await db.lesson.create({ data: { ...answered, occasionKey: `need:${need.id}:private`, occasion: "need_done", needId: need.id, worked: "PRIVATE-NEED-LESSON", shareable: false } });
    await db.lesson.create({ data: { ...answered, occasionKey: `init:${initiative.id}:end`, occasion: "initiative_end", initiativeId: initiative.id, othersShouldKnow: "Pilot in one district first", shareable: true } });
    await db.lesson.create({ data: { ...answered, occasionKey: `init:${initiative.id}:private`, occasion: "initiative_cadence", initiativeId: initiative.id, worked: "PRIVATE-INIT-LESSON", shareable: false } });

    const peter = await signIn("Peter Holm");
    const page = (await peter.get(`${server.url}/portfolio/needs/${ref}`)).body;
    const text = textOf(page);
    expect(text).toContain("Lessons learnt");
    expect(text).toMatch(/What worked\?\s+Sensors <b>on<\/b> every school & a weekly call/);
    expect(text).toMatch(/What should others know\?\s+Start with the caretakers/);
    expect(text).not.toContain("What did not work?");
    expect(page).toContain("Sensors &lt;b&gt;on&lt;/b&gt; every school &amp; a weekly call");
    expect(text).not.toContain("Lars Andersson");
    expect(text).not.toContain("PRIVATE-NEED-LESSON");

    const anna = await signIn("Anna Lindqvist");
    const work = textOf((await anna.get(`${server.url}/portfolio/work`)).body);
    expect(work).toContain("Lärdomar");
    expect(work).toContain(`${initiative.code}: ${initiative.title} (när det avslutades`);
    expect(work).toMatch(/Vad bör andra veta\?\s+Pilot in one district first/);
    expect(work).not.toContain("Lars Andersson");
    // A need's lessons stay on its page; unshared ones appear nowhere.
    expect(work).not.toContain("Sensors");
    const everywhere = [work, text, textOf((await anna.get(`${server.url}/portfolio`)).body)];
    for (const n of await server.app.store.needs.page(0, 100)) everywhere.push(textOf((await anna.get(`${server.url}/portfolio/needs/${n.reference}`)).body));
    expect(everywhere.join("\n")).not.toMatch(/PRIVATE-(NEED|INIT)-LESSON/);
  });

  it("escapes what people typed", async () => {
    const karin = webChat(server.url, await personId("Karin Ek"));
    await karin.click("need.submit", { title: "<script>alert(1)</script> i rubriken", problem: "Ett problem med <b>fet</b> text & tecken.", urgency: "low" });
    const web = await signIn("Peter Holm");
    const list = (await web.get(`${server.url}/portfolio?q=rubriken`)).body;
    expect(list).not.toContain("<script>alert(1)</script>");
    expect(list).toContain("&lt;script&gt;alert(1)&lt;/script&gt; i rubriken");
  });

  it("shows key figures as charts with the same numbers in tables, and serves chart PNGs only at signed, unexpired URLs", async () => {
    const web = await signIn("Peter Holm");
    const page = (await web.get(`${server.url}/portfolio/figures`)).body;
    // Four charts; the seed has no status pings yet, so that one says so instead of drawing an empty chart.
    expect(page.match(/<svg /g)?.length).toBe(4);
    expect(textOf(page)).toContain("Not enough data yet");
    const text = textOf(page);
    expect(text).toContain("Open needs by department");
    // The seed has three open needs in three departments, one each.
    for (const dept of ["Transport Administration", "Education Administration", "Environment and Health Administration"]) expect(text).toMatch(new RegExp(`${dept} 1`));

    const path = server.app.charts.signedPath("open-by-department", "en", new Date(Date.now() + 3_600_000));
    const png = await fetch(`${server.url}${path}`);
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    const bytes = Buffer.from(await png.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe("PNG");
    expect(bytes.length).toBeLessThan(500_000);

    expect((await fetch(`${server.url}${path.replace("open-by-department", "open-by-area")}`)).status).toBe(403);
    expect((await fetch(`${server.url}${path.replace(/sig=[^&]+/, "sig=forged")}`)).status).toBe(403);
    const expired = server.app.charts.signedPath("open-by-department", "en", new Date(Date.now() - 1000));
    expect((await fetch(`${server.url}${expired}`)).status).toBe(403);
  });
});

describe("portfolio list at scale", () => {
  it("shows a new need at once, and counts it once the count (reused for 10 s) is taken again", async () => {
    let now = new Date();
    const own = await startTestServer({}, undefined, { clock: () => now });
    try {
      const before = await own.app.portfolio.list(parseFilters({}));
      const lars = await personByEmail(own.app.store, "lars.andersson");
      const title = "Snöröjningen når inte förskolornas entréer";
      const saved = await own.app.needs.submit(lars, { title, problem: "Föräldrar med barnvagn tar sig inte fram på morgonen.", urgency: "low" }, { skipSimilar: true });
      expect(saved.kind).toBe("created");
      const soon = await own.app.portfolio.list(parseFilters({}));
      expect(soon.rows[0]!.title).toBe(title);
      expect(soon.total).toBe(before.total);
      now = new Date(now.getTime() + 10_001);
      expect((await own.app.portfolio.list(parseFilters({}))).total).toBe(before.total + 1);
    } finally {
      await own.cleanup();
    }
  });
});
