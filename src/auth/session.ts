// Signed cookies: the session (who is signed in, the CSRF token) and the
// short-lived state of a sign-in under way. Nothing is kept on the server, so
// any replica reads any cookie; the HMAC key is SESSION_SECRET.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Request, Response } from "express";

export const SESSION_COOKIE = "samordna_session";
export const SIGN_IN_COOKIE = "samordna_signin";
const SESSION_HOURS = 10;
const SIGN_IN_MINUTES = 10;

export interface Session {
  /** The person signed in; null before sign-in (the session then only carries the CSRF token). */
  personId: number | null;
  csrf: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

export interface SignInState {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
  exp: number;
}

export function randomToken(): string {
  return randomBytes(24).toString("base64url");
}

/** Equal strings in time independent of where they differ (CSRF tokens, signatures). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return out;
}

export function createSessions(options: { secret: string; secure: boolean; now?: () => number }) {
  const now = options.now ?? Date.now;
  const sign = (body: string) => createHmac("sha256", options.secret).update(body).digest("base64url");

  function encode(value: object): string {
    const body = Buffer.from(JSON.stringify(value)).toString("base64url");
    return `${body}.${sign(body)}`;
  }

  function decode<T extends { exp: number }>(cookie: string | undefined): T | null {
    if (!cookie) return null;
    const [body, mac] = cookie.split(".");
    if (!body || !mac || !safeEqual(mac, sign(body))) return null;
    try {
      const value = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as T;
      return typeof value.exp === "number" && value.exp > now() ? value : null;
    } catch {
      return null;
    }
  }

  function set(res: Response, name: string, value: object, maxAgeMs: number, embedded = false): void {
    // Lax, not Strict: the sign-in callback and links from Teams or Slack are top-level navigations from another site.
    // The Teams tab is a frame inside Teams: its cookie must be SameSite=None (which browsers take only with Secure).
    const sameSite = embedded && options.secure ? "none" : "lax";
    res.cookie(name, encode(value), { httpOnly: true, secure: options.secure, sameSite, path: "/", maxAge: maxAgeMs, encode: String });
  }

  return {
    read(req: Request): Session | null {
      return decode<Session>(parseCookies(req.headers.cookie).get(SESSION_COOKIE));
    },
    /** Starts a session for `personId` (or an anonymous one), with a fresh CSRF token; `embedded` for the Teams tab's frame. */
    start(res: Response, personId: number | null, embedded = false): Session {
      const session = { personId, csrf: randomToken(), exp: now() + SESSION_HOURS * 3_600_000 };
      set(res, SESSION_COOKIE, session, SESSION_HOURS * 3_600_000, embedded);
      return session;
    },
    end(res: Response): void {
      res.clearCookie(SESSION_COOKIE, { path: "/", httpOnly: true, secure: options.secure, sameSite: "lax" });
    },
    readSignIn(req: Request): SignInState | null {
      return decode<SignInState>(parseCookies(req.headers.cookie).get(SIGN_IN_COOKIE));
    },
    startSignIn(res: Response, state: Omit<SignInState, "exp">): void {
      set(res, SIGN_IN_COOKIE, { ...state, exp: now() + SIGN_IN_MINUTES * 60_000 }, SIGN_IN_MINUTES * 60_000);
    },
    endSignIn(res: Response): void {
      res.clearCookie(SIGN_IN_COOKIE, { path: "/", httpOnly: true, secure: options.secure, sameSite: "lax" });
    },
  };
}
export type Sessions = ReturnType<typeof createSessions>;
