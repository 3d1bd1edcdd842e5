// The portfolio in Debian's Chromium: sign in through the loopback OpenID
// provider, filter by department, open another department's need, support
// it and see the count change; development mode with the person picker;
// axe-core finds no serious accessibility violation on any page.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, signInEnv, startOidcProvider, type TestOidcProvider } from "../helpers/oidcProvider.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = tmpdir();

let browser: Browser;
let provider: TestOidcProvider;
let production: TestServer;
let development: TestServer;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (.ci/run does)`);
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider(`${publicUrl}/auth/callback`);
  [production, development] = await Promise.all([
    startTestServer(signInEnv(provider, publicUrl)),
    startTestServer(),
  ]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
afterAll(async () => {
  await browser?.close();
  await production?.cleanup();
  await development?.cleanup();
  await provider?.stop();
});

/** A browser context that reaches only this machine (the provider's login page links a web font). */
async function loopbackContext(options: Parameters<Browser["newContext"]>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await context.route("**/*", (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === "127.0.0.1" || host === "localhost" ? route.continue() : route.abort();
  });
  return context;
}

/** Serious or critical axe-core violations on the page, as "rule: target" lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const { violations, passes } = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ passes: unknown[]; violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run();
    return { violations: result.violations, passes: result.passes.length };
  });
  // axe really looked at the page (colour contrast, labels, landmarks…).
  expect(passes).toBeGreaterThan(10);
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
}

describe("portfolio in a browser", () => {
  it("signs in with OpenID Connect, filters by department, supports another department's need and sees the count change", async () => {
    const context = await loopbackContext();
    const page = await context.newPage();
    await page.goto(`${production.url}/portfolio`);
    // The loopback provider's development login page.
    await page.fill('input[name="login"]', "fatima.ali@stockholm.example");
    await page.fill('input[name="password"]', "any");
    await page.click('button[type="submit"]');
    await page.click('button[type="submit"]'); // consent
    await page.waitForURL(`${production.url}/portfolio`);
    await expect.poll(() => page.locator("header").innerText()).toContain("Inloggad som Fatima Ali");
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel("Förvaltning").selectOption({ label: "Trafikkontoret" });
    await page.getByRole("button", { name: "Visa" }).click();
    await page.waitForURL(/department=\d+/);
    await expect.poll(() => page.locator("#results").innerText()).toBe("2 behov");
    expect(await page.locator("table.needs tbody tr").count()).toBe(2);
    await page.screenshot({ path: path.join(SHOTS, "portfolio-needs.png"), fullPage: true });

    await page.getByRole("link", { name: /Felanmälningar om gatubelysning/ }).click();
    await expect.poll(() => page.locator("h1").innerText()).toContain("Felanmälningar om gatubelysning");
    expect(await page.locator("#supporters").innerText()).toBe("1");
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Stötta behovet (+1)" }).click();
    await expect.poll(() => page.locator("#supporters").innerText()).toBe("2");
    expect(await page.locator("[role=status]").innerText()).toMatch(/Nu stöttar du N-\d{4}-\d{4}/);
    await page.screenshot({ path: path.join(SHOTS, "portfolio-need.png"), fullPage: true });

    // Keyboard: the skip link is the first stop and leads to the content.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Hoppa till innehållet");

    for (const section of ["/portfolio/work", "/portfolio/figures"]) {
      await page.goto(`${production.url}${section}`);
      expect(await seriousViolations(page), section).toEqual([]);
    }
    await page.screenshot({ path: path.join(SHOTS, "portfolio-figures.png"), fullPage: true });
    await context.close();
  });

  it("works in development mode with the person picker, on a phone-sized screen", async () => {
    const context = await loopbackContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${development.url}/portfolio`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("Person").selectOption({ label: "Peter Holm (employee)" });
    await page.getByRole("button", { name: "Logga in" }).click();
    await page.waitForURL(`${development.url}/portfolio`);
    await expect.poll(() => page.locator("h1").innerText()).toBe("Needs across the organisation");
    // One column: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, "portfolio-phone.png"), fullPage: true });
    await context.close();
  });
});
