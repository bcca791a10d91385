// Build the front-end assets into webui/static/vendor/ (gitignored).
//
// Plain Node, no bundler yet. Two kinds of step:
//   COPIES  - files taken as they are from node_modules (htmx, CSS, fonts…);
//   BUNDLES - entry points that need bundling (bpmn-js, dmn-js with their
//             properties panels). Empty for now; when the first one is added,
//             add "esbuild" to devDependencies and it is used below.
//
// Run with `npm run build` from the repository root (the Makefile does).

import { copyFile, mkdir, rm, stat } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const NODE_MODULES = join(ROOT, "node_modules");
const VENDOR = join(ROOT, "webui", "static", "vendor");

/** Files copied verbatim: `from` is relative to node_modules/, `to` to webui/static/vendor/. */
const COPIES = [
  { from: "htmx.org/dist/htmx.min.js", to: "htmx.min.js" },
  // Later, for example:
  // { from: "bpmn-js/dist/assets/diagram-js.css", to: "bpmn-js/diagram-js.css" },
  // { from: "bpmn-js/dist/assets/bpmn-font/css/bpmn.css", to: "bpmn-js/bpmn.css" },
];

/**
 * Entry points bundled with esbuild: `entry` is relative to webui/frontend/,
 * `out` to webui/static/vendor/. Example:
 *   { entry: "bpmn-modeler.js", out: "bpmn-modeler.js" }
 */
const BUNDLES = [];

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
  for (const { entry, out } of BUNDLES) {
    const entryPoint = join(ROOT, "webui", "frontend", entry);
    const outfile = join(VENDOR, out);
    await build({
      entryPoints: [entryPoint],
      outfile,
      bundle: true,
      minify: true,
      sourcemap: true,
      format: "iife",
      target: ["es2020"],
      logLevel: "warning",
    });
    console.log(`bundled ${relative(ROOT, entryPoint)} -> ${relative(ROOT, outfile)}`);
  }
}

async function main() {
  // Start clean so a removed asset does not linger in the served folder.
  await rm(VENDOR, { recursive: true, force: true });
  await mkdir(VENDOR, { recursive: true });
  await copyAll();
  await bundleAll();
}

main().catch((error) => {
  console.error(`front-end build failed: ${error.message}`);
  process.exit(1);
});
