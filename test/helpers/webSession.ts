// A browser without a browser: fetch with a cookie jar per origin, redirects
// not followed (the tests look at each step), forms posted url-encoded.
export interface WebResponse {
  status: number;
  location: string | null;
  body: string;
  url: string;
}

export function webSession() {
  const jars = new Map<string, Map<string, string>>();

  function jar(url: URL): Map<string, string> {
    const key = url.host;
    if (!jars.has(key)) jars.set(key, new Map());
    return jars.get(key)!;
  }

  function remember(url: URL, res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || attrs.some((a) => /^\s*max-age=0/i.test(a));
      if (expired || value === "") jar(url).delete(name);
      else jar(url).set(name, value);
    }
  }

  async function request(method: string, target: string, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<WebResponse> {
    const url = new URL(target);
    const cookie = [...jar(url)].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(url, {
      method,
      redirect: "manual",
      headers: {
        accept: "text/html",
        ...(cookie ? { cookie } : {}),
        ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        ...headers,
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    remember(url, res);
    const location = res.headers.get("location");
    return { status: res.status, location: location ? new URL(location, url).href : null, body: await res.text(), url: url.href };
  }

  return {
    get: (url: string, headers?: Record<string, string>) => request("GET", url, undefined, headers),
    post: (url: string, form: Record<string, string>, headers?: Record<string, string>) => request("POST", url, form, headers),
    /** Follows redirects from `url` (GET), returning the last response. */
    async follow(url: string, max = 10): Promise<WebResponse> {
      let res = await request("GET", url);
      for (let i = 0; i < max && res.location && res.status >= 300 && res.status < 400; i++) res = await request("GET", res.location);
      return res;
    },
    cookies: (origin: string) => jar(new URL(origin)),
  };
}
export type WebSession = ReturnType<typeof webSession>;

/** The value of the first hidden CSRF field on a page. */
export function csrfOf(page: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!match) throw new Error("no CSRF field on the page");
  return match[1];
}

/** The page's text without tags, for "what a person reads". */
export function textOf(page: string): string {
  return page
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ");
}
