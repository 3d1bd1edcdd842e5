#!/usr/bin/env node
// `npm run build`: compiles src/ to plain JavaScript in dist/ with esbuild, one
// file per source file (dist/store/migrate.js for src/store/migrate.ts), so
// paths a module resolves from its own directory (../../prisma/migrations,
// ../../examples, the web chat's static/) hold from dist/ as from src/.
// Packages stay imports: node_modules is read at run time as in development.
// Plain JavaScript, so `npm start` can build without tsx.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SRC = path.join(ROOT, "src");
export const DIST = path.join(ROOT, "dist");
/** Written last: its time is the build's, and without it a build is unfinished. */
export const STAMP = path.join(DIST, ".build");
/** Files the build depends on besides src/. */
const INPUTS = [fileURLToPath(import.meta.url), path.join(ROOT, "package.json")];

function files(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

/** True when dist/ is missing, unfinished or older than any source (a fresh clone, a pull, an edit). */
export function needsBuild() {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  return [...files(SRC), ...INPUTS].some((file) => statSync(file).mtimeMs > built);
}

/** Relative imports (`./app.ts`) become the sibling output (`./app.js`); packages are left to Node. */
const keepImports = {
  name: "keep-imports",
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      return { path: args.path.startsWith(".") ? args.path.replace(/\.ts$/, ".js") : args.path, external: true };
    });
  },
};

export async function build() {
  const esbuild = await import("esbuild");
  // Only what an earlier build wrote: dist/ also holds the Teams app package (npm run package:teams).
  if (existsSync(DIST)) {
    for (const entry of readdirSync(DIST)) if (!entry.endsWith(".zip")) rmSync(path.join(DIST, entry), { recursive: true, force: true });
  }
  const sources = files(SRC);
  await esbuild.build({
    entryPoints: sources.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")),
    outdir: DIST,
    outbase: SRC,
    bundle: true,
    plugins: [keepImports],
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    logLevel: "warning",
  });
  // Everything else a module reads from beside itself (the web chat's page, script and styles).
  for (const file of sources.filter((f) => !f.endsWith(".ts"))) {
    const to = path.join(DIST, path.relative(SRC, file));
    mkdirSync(path.dirname(to), { recursive: true });
    cpSync(file, to);
  }
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  await build();
  console.error(`built dist/ in ${Math.round(performance.now() - t0)} ms`);
}
