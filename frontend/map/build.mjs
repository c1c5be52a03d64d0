// Vendor the map view's front-end into static/vendor/ (run: npm install && npm run build):
//  - MapLibre GL JS (ES module build): the main module and its web worker, both served from /static, so that a
//    strict CSP (script-src 'self') holds without blob: workers; the CSS; the licence.
//  - Natural Earth country shapes from the world-atlas package, converted from TopoJSON to GeoJSON with
//    topojson-client (coordinates rounded to 0.001°, about 100 m, which is finer than the 1:50m source).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { feature } from "topojson-client";

const version = (lib) => JSON.parse(readFileSync(`node_modules/${lib}/package.json`, "utf8")).version;

// MapLibre: drop the source-map comments (the maps are not vendored), keep everything else byte for byte.
const maplibre = "../../static/vendor/maplibre";
mkdirSync(maplibre, { recursive: true });
for (const name of ["maplibre-gl.mjs", "maplibre-gl-worker.mjs"]) {
  const text = readFileSync(`node_modules/maplibre-gl/dist/${name}`, "utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
  writeFileSync(`${maplibre}/${name}`, text);
}
copyFileSync("node_modules/maplibre-gl/dist/maplibre-gl.css", `${maplibre}/maplibre-gl.css`);
copyFileSync("node_modules/maplibre-gl/LICENSE.txt", `${maplibre}/LICENSE.txt`);

// Natural Earth 1:50m admin-0 countries as GeoJSON, with their names (shown in no layer; kept for tooltips).
const earth = "../../static/vendor/natural-earth";
mkdirSync(earth, { recursive: true });
// A ring that crosses the antimeridian (Russia, Fiji) jumps from 180° to -180°, which a flat map draws as a line
// across the world: make its longitudes continuous instead (MapLibre wraps the part beyond 180° itself). A ring
// that goes round the pole (Antarctica) does not close once unwrapped and stays as
// it is (its edge along 84°S is at the foot of the map).
function unwrap(ring) {
  const out = [ring[0].slice()];
  for (let i = 1; i < ring.length; i++) {
    let lon = ring[i][0];
    const prev = out[i - 1][0];
    while (lon - prev > 180) lon -= 360;
    while (lon - prev < -180) lon += 360;
    out.push([lon, ring[i][1]]);
  }
  return Math.abs(out[out.length - 1][0] - out[0][0]) < 1e-9 ? out : ring;
}
const round = (value) => (Array.isArray(value) ? value.map(round) : Math.round(value * 1000) / 1000);
for (const scale of ["50m", "110m"]) {
  const topology = JSON.parse(readFileSync(`node_modules/world-atlas/countries-${scale}.json`, "utf8"));
  const countries = feature(topology, topology.objects.countries);
  for (const f of countries.features) {
    f.geometry.coordinates = round(f.geometry.coordinates);
    const polygons = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const polygon of polygons) polygon.forEach((ring, i) => (polygon[i] = unwrap(ring)));
    f.properties = { name: f.properties.name };
  }
  writeFileSync(`${earth}/countries-${scale}.geojson`, JSON.stringify(countries));
}
copyFileSync("node_modules/world-atlas/LICENSE", `${earth}/LICENSE-world-atlas.txt`);

const versions = { "maplibre-gl": version("maplibre-gl"), "world-atlas": version("world-atlas"), "topojson-client": version("topojson-client") };
writeFileSync(`${maplibre}/VERSIONS.json`, JSON.stringify({ "maplibre-gl": versions["maplibre-gl"] }, null, 2) + "\n");
writeFileSync(`${earth}/VERSIONS.json`, JSON.stringify({ "world-atlas": versions["world-atlas"], "topojson-client": versions["topojson-client"], "natural-earth": "4.1.0 (Admin 0 countries, 1:50m and 1:110m)" }, null, 2) + "\n");
console.log("built", versions);
