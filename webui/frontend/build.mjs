// Build the front-end assets (both output folders are gitignored).
//
// Two kinds of step:
//   COPIES  - files taken as they are from node_modules into webui/static/vendor/;
//   BUNDLES - our entry modules in webui/frontend/src/ (bpmn-js, dmn-js and the
//             properties panel with our SpiffWorkflow providers), bundled by
//             esbuild into webui/static/dist/. The CSS an entry imports comes out
//             next to it (<name>.css); fonts are copied to dist/assets/.
//
// Run with `npm run build` from the repository root (the Makefile does).

import { copyFile, mkdir, rm, stat } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const NODE_MODULES = join(ROOT, "node_modules");
const VENDOR = join(ROOT, "webui", "static", "vendor");
const DIST = join(ROOT, "webui", "static", "dist");

/** Files copied verbatim: `from` is relative to node_modules/, `to` to webui/static/vendor/. */
const COPIES = [
  { from: "htmx.org/dist/htmx.min.js", to: "htmx.min.js" },
  // Later, for example:
  // { from: "bpmn-js/dist/assets/diagram-js.css", to: "bpmn-js/diagram-js.css" },
  // { from: "bpmn-js/dist/assets/bpmn-font/css/bpmn.css", to: "bpmn-js/bpmn.css" },
];

/** Entry points bundled with esbuild, relative to webui/frontend/src/; output to dist/. */
const BUNDLES = ["process-modeler.js", "dmn-modeler.js", "process-viewer.js"];

async function copyAll() {
  for (const { from, to } of COPIES) {
    const source = join(NODE_MODULES, from);
    const target = join(VENDOR, to);
    try {
      await stat(source);
    } catch {
      throw new Error(`missing ${relative(ROOT, source)}: run \`npm ci\` first`);
    }
    await mkdir(dirname(target), { recursive: true });
    await copyFile(source, target);
    console.log(`copied  ${relative(ROOT, source)} -> ${relative(ROOT, target)}`);
  }
}

async function bundleAll() {
  if (BUNDLES.length === 0) return;
  const { build } = await import("esbuild");
  const entryPoints = BUNDLES.map((entry) => join(ROOT, "webui", "frontend", "src", entry));
  await build({
    entryPoints,
    outdir: DIST,
    entryNames: "[name]",
    assetNames: "assets/[name]-[hash]",
    bundle: true,
    minify: true,
    sourcemap: true,
    format: "iife",
    target: ["es2020"],
    // The fonts of bpmn-js/dmn-js become files, so the CSP needs no `font-src data:`.
    loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".svg": "file" },
    jsx: "automatic",
    jsxImportSource: "@bpmn-io/properties-panel/preact",
    logLevel: "warning",
  });
  for (const entry of entryPoints) {
    console.log(`bundled ${relative(ROOT, entry)} -> ${relative(ROOT, DIST)}/`);
  }
}

async function main() {
  // Start clean so a removed asset does not linger in the served folder.
  await rm(VENDOR, { recursive: true, force: true });
  await rm(DIST, { recursive: true, force: true });
  await mkdir(VENDOR, { recursive: true });
  await copyAll();
  await bundleAll();
}

main().catch((error) => {
  console.error(`front-end build failed: ${error.message}`);
  process.exit(1);
});
