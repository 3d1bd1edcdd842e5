#!/usr/bin/env node
// `npm start`: runs the built server (dist/main.js), building it first when
// dist/ is missing or older than the sources, so a fresh clone needs only
// `npm ci && npm start`. `npm run dev` runs the sources through tsx instead.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, DIST, needsBuild } from "./build.mjs";

if (needsBuild()) {
  console.error("dist/ is missing or older than src/: building it (npm run build)");
  await build();
}
const { runMain } = await import(pathToFileURL(path.join(DIST, "main.js")).href);
runMain();
