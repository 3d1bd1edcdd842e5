// Production mode: the portfolio answers only with a session, and the session
// comes from OpenID Connect sign-in (code + PKCE) against a real provider on
// loopback (oidc-provider), not a mock of the client.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { freePort, signInEnv, startOidcProvider, type TestOidcProvider } from "../helpers/oidcProvider.ts";
import { csrfOf, textOf, webSession, type WebResponse, type WebSession } from "../helpers/webSession.ts";

let server: TestServer;
let provider: TestOidcProvider;

beforeAll(async () => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider(`${publicUrl}/auth/callback`);
  server = await startTestServer(signInEnv(provider, publicUrl));
});
afterAll(async () => {
  await server?.cleanup();
  await provider?.stop();
});

/** Follows the sign-in from `url` through the provider's login and consent pages, as a browser would. */
async function signInThroughProvider(web: WebSession, url: string, login: string): Promise<WebResponse> {
  let res = await web.get(url);
  for (let step = 0; step < 20; step++) {
    if (res.location && res.status >= 300 && res.status < 400) {
      res = await web.get(res.location);
      continue;
    }
    const action = /<form[^>]*action="([^"]+)"/.exec(res.body)?.[1];
    if (res.status === 200 && action && res.body.includes('name="prompt" value="login"')) {
      res = await web.post(new URL(action, res.url).href, { prompt: "login", login, password: "any" });
    } else if (res.status === 200 && action && res.body.includes('name="prompt" value="consent"')) {
      res = await web.post(new URL(action, res.url).href, { prompt: "consent" });
    } else {
      return res;
    }
  }
  throw new Error("sign-in did not finish");
}

describe("portfolio sign-in (production, OpenID Connect)", () => {
  it("answers no page and no form without a session", async () => {
    const web = webSession();
    const need = (await server.app.store.needs.page(0, 1))[0];
    for (const path of ["/portfolio", "/portfolio?department=1", `/portfolio/needs/${need.reference}`, "/portfolio/work", "/portfolio/figures"]) {
      const res = await web.get(`${server.url}${path}`);
      expect(res.status, path).toBe(302);
      expect(res.location).toMatch(/\/auth\/login\?returnTo=/);
      expect(res.body).not.toContain(need.title);
      const api = await web.get(`${server.url}${path}`, { accept: "application/json" });
      expect(api.status, path).toBe(401);
    }
    const post = await web.post(`${server.url}/portfolio/needs/${need.reference}/support`, { _csrf: "x" });
    expect(post.status).toBe(401);
    // Chart images answer only at a URL we signed.
    expect((await web.get(`${server.url}/charts/open-by-department.png`)).status).toBe(403);
    // No person picker in production: sign-in goes to the identity provider.
    const login = await web.get(`${server.url}/auth/login`);
    expect(login.status).toBe(302);
    expect(login.location).toMatch(new RegExp(`^${provider.issuer}/auth\\?`));
    expect(new URL(login.location!).searchParams.get("code_challenge_method")).toBe("S256");
    const picker = await web.post(`${server.url}/auth/dev-login`, { personId: "1", _csrf: "x" });
    expect(picker.status).toBe(403);
    expect(await server.app.store.needs.byId(need.id)).toMatchObject({ supporterCount: need.supporterCount });
  });

  it("signs in a known person by verified e-mail and lands where they were going", async () => {
    const web = webSession();
    const res = await signInThroughProvider(web, `${server.url}/portfolio/work`, "peter.holm@stockholm.example");
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${server.url}/portfolio/work`);
    expect(textOf(res.body)).toContain("Signed in as Peter Holm");
    const cookie = web.cookies(server.url).get("samordna_session");
    expect(cookie).toBeTruthy();

    // A session cookie changed by hand is no session.
    const forged = webSession();
    const [body, mac] = cookie!.split(".");
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, "base64url").toString()), personId: 1 })).toString("base64url");
    forged.cookies(server.url).set("samordna_session", `${tampered}.${mac}`);
    expect((await forged.get(`${server.url}/portfolio`)).status).toBe(302);

    // Signing out ends it.
    const page = await web.get(`${server.url}/portfolio`);
    const out = await web.post(`${server.url}/auth/logout`, { _csrf: csrfOf(page.body) });
    expect(textOf(out.body)).toContain("Du är utloggad.");
    expect((await web.get(`${server.url}/portfolio`)).status).toBe(302);
  });

  it("makes someone unknown an employee, and refuses an e-mail the provider did not verify", async () => {
    const web = webSession();
    const res = await signInThroughProvider(web, `${server.url}/portfolio`, "new.person@example.org");
    expect(res.status).toBe(200);
    const person = await server.app.store.people.byEmail("new.person@example.org");
    expect(person).toMatchObject({ displayName: "New Person", roles: ["employee"] });

    const before = (await server.app.store.people.all()).length;
    const refused = await signInThroughProvider(webSession(), `${server.url}/portfolio`, "unverified.someone@example.org");
    expect(refused.status).toBe(400);
    expect(textOf(refused.body)).toContain("verified e-mail");
    expect((await server.app.store.people.all()).length).toBe(before);
  });

  it("refuses a callback without the sign-in it belongs to", async () => {
    const res = await webSession().get(`${server.url}/auth/callback?code=abc&state=def`);
    expect(res.status).toBe(400);
  });
});
