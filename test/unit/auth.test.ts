// Session cookies, the e-mail a provider vouches for, and where a sign-in may return to.
import type { Request, Response } from "express";
import { describe, expect, it } from "vitest";
import { verifiedEmail } from "../../src/auth/oidc.ts";
import { safeReturnTo } from "../../src/auth/routes.ts";
import { createSessions, SESSION_COOKIE } from "../../src/auth/session.ts";

function capture() {
  const set: { name: string; value: string; options: Record<string, unknown> }[] = [];
  const res = { cookie: (name: string, value: string, options: Record<string, unknown>) => set.push({ name, value, options }) } as unknown as Response;
  return { res, set };
}
const request = (cookie: string) => ({ headers: { cookie } }) as Request;

describe("sessions", () => {
  it("sets an HttpOnly, SameSite cookie, Secure behind https, that reads back until it expires", () => {
    let now = 1_000_000;
    const sessions = createSessions({ secret: "s".repeat(32), secure: true, now: () => now });
    const { res, set } = capture();
    const session = sessions.start(res, 7);
    expect(set[0]).toMatchObject({ name: SESSION_COOKIE, options: { httpOnly: true, secure: true, sameSite: "lax", path: "/" } });
    expect(sessions.read(request(`${SESSION_COOKIE}=${set[0].value}`))).toEqual(session);
    now += 11 * 3_600_000;
    expect(sessions.read(request(`${SESSION_COOKIE}=${set[0].value}`))).toBeNull();
  });

  it("refuses a cookie signed with another key or changed by hand", () => {
    const a = createSessions({ secret: "a".repeat(32), secure: false });
    const b = createSessions({ secret: "b".repeat(32), secure: false });
    const { res, set } = capture();
    a.start(res, 7);
    expect(b.read(request(`${SESSION_COOKIE}=${set[0].value}`))).toBeNull();
    const [, mac] = set[0].value.split(".");
    const body = Buffer.from(JSON.stringify({ personId: 1, csrf: "x", exp: Date.now() + 1e6 })).toString("base64url");
    expect(a.read(request(`${SESSION_COOKIE}=${body}.${mac}`))).toBeNull();
    expect(a.read(request(`${SESSION_COOKIE}=garbage`))).toBeNull();
  });
});

describe("sign-in", () => {
  it("takes an e-mail only when the provider says it is verified", () => {
    expect(verifiedEmail({ email: "A.B@Example.org", email_verified: true })).toBe("a.b@example.org");
    expect(verifiedEmail({ email: "a@b.org", xms_edov: true })).toBe("a@b.org");
    expect(verifiedEmail({ email: "a@b.org", email_verified: false })).toBeNull();
    expect(verifiedEmail({ email: "a@b.org" })).toBeNull();
    expect(verifiedEmail({ email_verified: true })).toBeNull();
  });

  it("returns only to a path on this site", () => {
    expect(safeReturnTo("/portfolio/needs/N-2026-0001")).toBe("/portfolio/needs/N-2026-0001");
    for (const bad of ["//evil.example/x", "/\\evil.example", "https://evil.example", "portfolio", undefined, ["/x"]]) expect(safeReturnTo(bad)).toBe("/portfolio");
  });
});
