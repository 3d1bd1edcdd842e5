// One module for every chart: specs from the key figures, SVG for pages, PNG
// for cards at signed, expiring URLs. Rendered charts are cached per period
// (a day in the configured zone), per language.
import { createHmac, timingSafeEqual } from "node:crypto";
import { DateTime } from "luxon";
import type { KeyFigures } from "../domain/keyFigures.ts";
import type { Locale } from "../domain/types.ts";
import { CHART_NAMES, chartSpecs, type ChartName, type ChartSpec } from "./specs.ts";

export { CHART_NAMES, type ChartName, type ChartSpec } from "./specs.ts";

export interface RenderedChart {
  spec: ChartSpec;
  svg: string;
}

interface Period {
  key: string;
  figures: Promise<KeyFigures>;
  svg: Map<string, RenderedChart[]>;
  png: Map<string, Buffer>;
}

/**
 * The renderer (ECharts and resvg) is loaded when the first chart is drawn:
 * the two take about 100 MiB of memory, which every process that never draws
 * one (the CLI, job runners, most replicas between digests) would carry.
 */
let renderer: Promise<typeof import("./render.ts")> | undefined;
const loadRenderer = () => (renderer ??= import("./render.ts"));

export function isChartName(name: string): name is ChartName {
  return (CHART_NAMES as readonly string[]).includes(name);
}

export function createCharts(deps: { load: () => Promise<KeyFigures>; clock: () => Date; zone: string; secret: string }) {
  let period: Period | undefined;

  function current(): Period {
    const key = DateTime.fromJSDate(deps.clock(), { zone: deps.zone }).toISODate()!;
    if (period?.key !== key) {
      const figures = deps.load();
      // A failed load is not cached: the next request tries again.
      figures.catch(() => {
        if (period?.figures === figures) period = undefined;
      });
      period = { key, figures, svg: new Map(), png: new Map() };
    }
    return period;
  }

  async function all(locale: Locale): Promise<RenderedChart[]> {
    const p = current();
    const figures = await p.figures;
    let rendered = p.svg.get(locale);
    if (!rendered) {
      const { renderSvg } = await loadRenderer();
      rendered = chartSpecs(figures, locale).map((spec) => ({ spec, svg: renderSvg(spec) }));
      p.svg.set(locale, rendered);
    }
    return rendered;
  }

  const sign = (name: string, locale: string, expires: number) => createHmac("sha256", deps.secret).update(`chart:${name}:${locale}:${expires}`).digest("base64url");

  return {
    /** Every chart with its spec (for the table) and SVG, in `locale`. */
    all,

    /** The figures the charts of this period were drawn from. */
    figures: () => current().figures,

    async png(name: ChartName, locale: Locale): Promise<Buffer> {
      const p = current();
      const key = `${name}:${locale}`;
      const cached = p.png.get(key);
      if (cached) return cached;
      const chart = (await all(locale)).find((c) => c.spec.name === name)!;
      const png = (await loadRenderer()).renderPng(chart.svg);
      p.png.set(key, png);
      return png;
    },

    /** A path and query for the PNG that anyone may fetch until `expires` (Slack fetches images without our cookies). */
    signedPath(name: ChartName, locale: Locale, expires: Date): string {
      const exp = Math.floor(expires.getTime() / 1000);
      return `/charts/${name}.png?locale=${locale}&exp=${exp}&sig=${sign(name, locale, exp)}`;
    },

    /** True when the query was signed by us for this chart and has not expired. */
    verify(name: string, query: { locale?: unknown; exp?: unknown; sig?: unknown }): boolean {
      const { locale, exp, sig } = query;
      if (typeof locale !== "string" || typeof exp !== "string" || typeof sig !== "string" || !/^\d+$/.test(exp)) return false;
      if (Number(exp) * 1000 < deps.clock().getTime()) return false;
      const expected = sign(name, locale, Number(exp));
      return expected.length === sig.length && timingSafeEqual(Buffer.from(expected), Buffer.from(sig));
    },
  };
}
export type Charts = ReturnType<typeof createCharts>;
