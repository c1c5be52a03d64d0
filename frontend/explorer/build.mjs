// Bundle sigma + graphology + ForceAtlas2 into static/vendor/sigma/ (one IIFE file, no module loader needed),
// ForceAtlas2 for a web worker into a second file,
// and copy their licences next to it. Run: npm install && npm run build
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const out = "../../static/vendor/sigma";
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ["entry.js"],
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "PG",
  target: ["es2019"],
  outfile: `${out}/pg-graph.min.js`,
  legalComments: "none",
});
// The ForceAtlas2 worker: a file of its own, loaded with new Worker(url) from the same origin.
await build({
  entryPoints: ["layout-worker.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2019"],
  outfile: `${out}/pg-layout-worker.min.js`,
  legalComments: "none",
});
const libs = ["sigma", "@sigma/node-border", "@sigma/node-square", "graphology", "graphology-layout-forceatlas2", "graphology-utils", "events"];
const versions = {};
for (const lib of libs) {
  const pkg = JSON.parse(readFileSync(`node_modules/${lib}/package.json`, "utf8"));
  versions[lib] = pkg.version;
  for (const name of ["LICENSE.txt", "LICENSE", "LICENSE.md"]) {
    try {
      copyFileSync(`node_modules/${lib}/${name}`, `${out}/LICENSE-${lib.replace("/", "-")}.txt`);
      break;
    } catch {}
  }
}
writeFileSync(`${out}/VERSIONS.json`, JSON.stringify(versions, null, 2) + "\n");
console.log("built", out, versions);
