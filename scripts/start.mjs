#!/usr/bin/env node
// `npm start`: runs the built server (dist/main.js), building it first when
// dist/ is missing or older than the sources, so a fresh clone needs only
// `npm ci && npm start`. `npm run dev` runs the sources through tsx instead.
import module from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, DIST, needsBuild } from "./build.mjs";

// Node 22.1 and later keep V8's compiled code between starts (in the temp
// directory); most of a cold start is compiling modules. Node 20 has no such cache.
module.enableCompileCache?.();

if (needsBuild()) {
  console.error("dist/ is missing or older than src/: building it (npm run build)");
  await build();
}
const { runMain } = await import(pathToFileURL(path.join(DIST, "main.js")).href);
runMain();
