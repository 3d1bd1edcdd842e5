// Renders a chart spec to SVG on the server (ECharts' SSR SVG renderer) and
// SVG to PNG (resvg) for cards: Teams and Slack show images, not SVG.
import { Resvg } from "@resvg/resvg-js";
import * as echarts from "echarts";
import type { ChartSpec } from "./specs.ts";

const WIDTH = 720;
/** PNGs for cards: 720 px wide keeps a chart well under Slack's and Teams' image limits (a few tens of kB). */
const PNG_WIDTH = 720;
// Colours distinguishable with common colour-vision deficiencies (Okabe–Ito), dark enough on white.
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

function height(spec: ChartSpec): number {
  return spec.horizontal ? Math.max(200, 60 + spec.categories.length * 28) : 320;
}

function echartsOption(spec: ChartSpec) {
  const value = {
    type: "value" as const,
    axisLabel: spec.percent ? { formatter: (v: number) => `${Math.round(v * 100)} %` } : {},
    ...(spec.percent ? { max: 1 } : {}),
    // Counts of needs have no halves.
    ...(spec.kind === "bar" ? { minInterval: 1 } : {}),
  };
  const category = { type: "category" as const, data: spec.categories, ...(spec.horizontal ? { inverse: true } : {}) };
  return {
    animation: false,
    color: PALETTE,
    textStyle: { fontFamily: "DejaVu Sans, Arial, sans-serif", color: "#1a1a1a" },
    backgroundColor: "#ffffff",
    title: { text: spec.title, left: 8, top: 4, textStyle: { fontSize: 15 } },
    legend: spec.series.length > 1 ? { top: 28, left: 8 } : undefined,
    grid: { left: 8, right: 24, top: spec.series.length > 1 ? 64 : 40, bottom: 8, containLabel: true },
    xAxis: spec.horizontal ? value : category,
    yAxis: spec.horizontal ? category : value,
    series: spec.series.map((s) => ({
      name: s.name,
      type: spec.kind,
      data: s.values,
      ...(spec.stacked ? { stack: "total" } : {}),
      ...(spec.kind === "line" ? { connectNulls: false, symbolSize: 7 } : {}),
    })),
  };
}

export function renderSvg(spec: ChartSpec): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: WIDTH, height: height(spec) });
  try {
    chart.setOption(echartsOption(spec));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export function renderPng(svg: string): Buffer {
  return new Resvg(svg, { fitTo: { mode: "width", value: PNG_WIDTH }, font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" } }).render().asPng();
}
