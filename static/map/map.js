/* Partnergraph map view: places with coordinates on an offline Natural Earth base map, ties as great-circle arcs,
 * drawn with MapLibre GL JS (WebGL; its worker is a same-origin module, so no blob: workers are needed).
 * Data from /api/map/places and /api/map/ties (compact rows), the panel from /api/entity, paths from /api/paths.
 * Every text from the data is put on the page with textContent; links go to our own pages or http(s) only.
 * The view's state lives in the query string (kind, country, type, y0, y1, sel, focus, from, to, k, ot), the
 * explorer's names (it also reads from_year / to_year, and the fragment of older explorer links). */
import * as maplibregl from "../vendor/maplibre/maplibre-gl.mjs";
import { ArcLayer, greatCircle } from "./arcs.js";

const ID_NS = "https://partnergraph.org/id/";
// Natural Earth at 1:110m for the world view, 1:50m once zoomed in (loaded only then).
const BASE_MAP = "/static/vendor/natural-earth/countries-110m.geojson";
const DETAILED_MAP = "/static/vendor/natural-earth/countries-50m.geojson";
const DETAIL_ZOOM = 2.5;
const LIST_LIMIT = 200;
const SMALL_TIES = 2000;
const TIES_SHOWN = 30;
const $ = (id) => document.getElementById(id);
const started = performance.now();
const timings = {}; // milestones of the first draw, in ms since the module started (for the benchmark)
const mark = (name) => { if (!(name in timings)) timings[name] = Math.round(performance.now() - started); };

const state = { kind: "", country: "", type: "", y0: "", y1: "", sel: "", focus: "", from: "", to: "", k: 3, ot: false };
let data = null; // {places: [...rows], index: Map(id -> i), ties: [...rows], countries, sources, counts, empty}
let facets = null;
let map = null;
let arcs = null;
let pending = 0;
let selection = null; // {iri, entity, showAll}
let lastPaths = null;
const names = new Map(); // label -> IRI, from search results (to tell two "Springfield"s apart)

// -- helpers -------------------------------------------------------------------------------------------------

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function fullId(ref) {
  return ref && ref.startsWith("id:") ? ID_NS + ref.slice(3) : ref;
}

function shortId(iri) {
  return iri && iri.startsWith(ID_NS) ? "id:" + iri.slice(ID_NS.length) : iri;
}

/** Our page for an IRI of ours; for anything else, an http(s) link or none at all. */
function pageOf(iri) {
  if (!iri) return null;
  if (iri.startsWith(ID_NS)) return "/id/" + iri.slice(ID_NS.length).split("/").map(encodeURIComponent).join("/");
  return /^https?:\/\//.test(iri) ? iri : null;
}

function link(iri, text) {
  const href = pageOf(iri);
  const node = el(href ? "a" : "span", text || iri);
  if (href) node.href = href;
  return node;
}

function busy(delta) {
  pending += delta;
  document.body.classList.toggle("busy", pending > 0);
  document.body.dataset.pending = String(pending);
}

async function api(url) {
  busy(1);
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({ error: response.statusText }));
    if (!response.ok) {
      const error = new Error(body.error || response.statusText);
      error.status = response.status;
      error.data = body;
      throw error;
    }
    return body;
  } finally {
    setTimeout(() => busy(-1), 0);
  }
}

const fmt = (n) => Number(n).toLocaleString("en");
const plural = (n, one, many) => `${fmt(n)} ${n === 1 ? one : many || one + "s"}`;
const fold = (s) => (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

// -- URL state -----------------------------------------------------------------------------------------------

function readState() {
  // The explorer keeps its state in the fragment: a link from it works here too; the query string wins.
  const p = new URLSearchParams(location.hash.slice(1));
  for (const [k, v] of new URLSearchParams(location.search)) p.set(k, v);
  for (const name of ["kind", "country", "type", "y0", "y1", "sel", "focus", "from", "to"]) {
    state[name] = (p.get(name) || "").trim();
  }
  for (const name of ["sel", "focus", "from", "to"]) state[name] = fullId(state[name]);
  // The explorer writes a country as its ISO code and the years as from_year / to_year.
  if (/^[A-Za-z]{2}$/.test(state.country)) state.country = ID_NS + "region/" + state.country.toLowerCase();
  state.y0 = state.y0 || (p.get("from_year") || "").trim();
  state.y1 = state.y1 || (p.get("to_year") || "").trim();
  if (!/^-?\d{1,4}$/.test(state.y0)) state.y0 = "";
  if (!/^-?\d{1,4}$/.test(state.y1)) state.y1 = "";
  state.k = Math.min(10, Math.max(1, parseInt(p.get("k") || "3", 10) || 3));
  state.ot = p.get("ot") === "1";
}

/** A country as the explorer writes it: its ISO code when it is one of ours, else as it is. */
function countryParam(iri) {
  const m = /^https:\/\/partnergraph\.org\/id\/region\/([a-z]{2})$/.exec(iri || "");
  return m ? m[1] : iri;
}

function stateParams() {
  const p = new URLSearchParams();
  for (const name of ["kind", "country", "type", "y0", "y1", "focus", "sel"]) if (state[name]) p.set(name, state[name]);
  if (state.country) p.set("country", countryParam(state.country));
  if (state.from && state.to) {
    p.set("from", state.from);
    p.set("to", state.to);
    p.set("k", String(state.k));
    if (state.ot) p.set("ot", "1");
  }
  return p;
}

function writeState(push) {
  const qs = stateParams().toString();
  const url = location.pathname + (qs ? "?" + qs : "");
  if (url !== location.pathname + location.search || location.hash) history[push ? "pushState" : "replaceState"](null, "", url);
  updateExplorerLinks();
}

/** Filter parameters as the API reads them. */
function filterParams() {
  const p = new URLSearchParams();
  if (state.kind) p.set("kind", state.kind);
  if (state.country) p.set("country", state.country);
  if (state.type) p.set("type", state.type);
  if (state.y0) p.set("from_year", state.y0);
  if (state.y1) p.set("to_year", state.y1);
  return p;
}

/** A link to the explorer with the same filters (its names: from_year / to_year for the years), focused on
 * ``iri``. */
function explorerHref(iri) {
  const p = new URLSearchParams();
  if (iri) {
    p.set("focus", iri);
    p.set("sel", iri);
  }
  if (state.kind) p.set("kind", state.kind);
  if (state.country) p.set("country", countryParam(state.country));
  if (state.type) p.set("type", state.type);
  if (state.y0) p.set("from_year", state.y0);
  if (state.y1) p.set("to_year", state.y1);
  if (state.from && state.to) {
    p.set("from", state.from);
    p.set("to", state.to);
    p.set("k", String(state.k));
    if (state.ot) p.set("ot", "1");
  }
  const qs = p.toString();
  return "/" + (qs ? "?" + qs : "");
}

function updateExplorerLinks() {
  $("to-explorer").href = explorerHref(state.sel || state.focus);
  if (selection) $("sel-explorer").href = explorerHref(selection.iri);
}

// -- the map -------------------------------------------------------------------------------------------------

function baseStyle() {
  return {
    version: 8,
    sources: { countries: { type: "geojson", data: BASE_MAP } },
    layers: [
      { id: "sea", type: "background", paint: { "background-color": "#dfe9f3" } },
      ...countryLayers("countries", 0, DETAIL_ZOOM),
    ],
  };
}

function countryLayers(source, minzoom, maxzoom) {
  return [
    { id: source + "-land", type: "fill", source, minzoom, maxzoom, paint: { "fill-color": "#f7f5f0" } },
    { id: source + "-borders", type: "line", source, minzoom, maxzoom,
      paint: { "line-color": "#b9c0cb", "line-width": 0.5 } },
  ];
}

/** The detailed base map, added the first time the map is zoomed in far enough to show it. */
function detailWhenZoomed() {
  const add = () => {
    if (map.getZoom() < DETAIL_ZOOM - 0.5 || map.getSource("countries-50m")) return;
    map.addSource("countries-50m", { type: "geojson", data: DETAILED_MAP });
    for (const layer of countryLayers("countries-50m", DETAIL_ZOOM, 24)) map.addLayer(layer, "ties");
    map.off("zoomend", add);
  };
  map.on("zoomend", add);
  add();
}

const EMPTY = { type: "FeatureCollection", features: [] };

function addLayers() {
  map.addSource("ties-selected", { type: "geojson", data: EMPTY });
  map.addSource("places", {
    type: "geojson", data: EMPTY, cluster: true, clusterRadius: 36, clusterMaxZoom: 5,
    clusterProperties: { ties: ["+", ["get", "n"]] },
  });
  map.addSource("highlight", { type: "geojson", data: EMPTY });
  map.addSource("path", { type: "geojson", data: EMPTY });
  map.addSource("ties-small", { type: "geojson", data: EMPTY });
  arcs = new ArcLayer("ties");
  map.addLayer(arcs);
  map.addLayer({
    id: "ties-lines", type: "line", source: "ties-small", layout: { "line-cap": "round" },
    paint: {
      "line-color": "#d9822b", "line-opacity": 0.8,
      "line-width": ["interpolate", ["linear"], ["get", "n"], 1, 1.5, 10, 4],
    },
  });
  map.addLayer({
    id: "ties-selected", type: "line", source: "ties-selected", layout: { "line-cap": "round" },
    paint: { "line-color": "#a64d00", "line-opacity": 0.9, "line-width": ["interpolate", ["linear"], ["get", "n"], 1, 1.5, 10, 3] },
  });
  map.addLayer({
    id: "path-lines", type: "line", source: "path", layout: { "line-cap": "round", "line-join": "round" },
    paint: { "line-color": "#b3261e", "line-width": ["case", ["==", ["get", "path"], 0], 4, 2.5],
      "line-opacity": ["case", ["==", ["get", "path"], 0], 0.95, 0.6] },
  });
  map.addLayer({
    id: "clusters", type: "circle", source: "places", filter: ["has", "point_count"],
    paint: {
      "circle-color": "rgba(36, 87, 197, 0.3)", "circle-stroke-color": "#2457c5", "circle-stroke-width": 1,
      "circle-radius": ["interpolate", ["linear"], ["sqrt", ["get", "point_count"]], 1, 7, 10, 14, 40, 22],
    },
  });
  map.addLayer({
    id: "places", type: "circle", source: "places", filter: ["!", ["has", "point_count"]],
    paint: {
      "circle-color": "#2457c5", "circle-stroke-color": "#ffffff", "circle-stroke-width": 1,
      "circle-radius": ["interpolate", ["linear"], ["sqrt", ["get", "n"]], 0, 3, 4, 6, 15, 12],
    },
  });
  map.addLayer({
    id: "highlight", type: "circle", source: "highlight",
    paint: {
      "circle-color": ["match", ["get", "role"], "selected", "#b3261e", "path", "#ffffff", "#d9822b"],
      "circle-stroke-color": ["match", ["get", "role"], "path", "#b3261e", "#ffffff"],
      "circle-stroke-width": 2,
      "circle-radius": ["match", ["get", "role"], "selected", 8, 5],
    },
  });
  const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, offset: 8 });
  const hover = (layer, text) => {
    map.on("mouseenter", layer, (e) => {
      map.getCanvas().style.cursor = "pointer";
      const f = e.features[0];
      popup.setLngLat(f.geometry.coordinates).setDOMContent(el("span", text(f.properties))).addTo(map);
    });
    map.on("mouseleave", layer, () => { map.getCanvas().style.cursor = ""; popup.remove(); });
  };
  hover("places", (p) => placeTitle(p.i));
  hover("highlight", (p) => (p.i >= 0 ? placeTitle(p.i) : p.label));
  hover("clusters", (p) => `${plural(p.point_count, "place")}, ${plural(p.ties, "tie")}: click to zoom in`);
  // Organisations share the point of the place they are located in: a click there opens the place, whose panel
  // lists them.
  map.on("click", "places", (e) => {
    const f = e.features.find((x) => !data.places[x.properties.i][8]) || e.features[0];
    select(fullId(data.places[f.properties.i][0]), { push: true });
  });
  map.on("click", "highlight", (e) => {
    const p = e.features[0].properties;
    if (p.id) select(fullId(p.id), { push: true });
  });
  map.on("click", "clusters", async (e) => {
    const f = e.features[0];
    const zoom = await map.getSource("places").getClusterExpansionZoom(f.properties.cluster_id);
    map.easeTo({ center: f.geometry.coordinates, zoom: Math.min(zoom, 12) });
  });
}

/** Arcs fainter the more there are (25,000 ties at full strength would paint the map orange); the arc layer
 * strengthens them as the map zooms in. */
function tieAlpha() {
  const n = data ? data.ties.length : 0;
  return n <= 200 ? 0.75 : n <= 2000 ? 0.4 : n <= 8000 ? 0.2 : 0.1;
}

function placeTitle(i) {
  const row = data.places[i];
  const country = countryName(row[4]);
  return `${row[1]}${country ? ", " + country : ""}: ${plural(row[6], "tie")} with ${plural(row[5], "partner")}`;
}

function countryName(index) {
  return index >= 0 && data.countries[index] ? data.countries[index].label : "";
}

function lonLat(row) {
  return [row[3], row[2]];
}

/** Draw the ties first, then hand the places to MapLibre's worker for clustering. Up to SMALL_TIES ties are
 * drawn as GeoJSON lines (widths by number of ties); more as hairlines in one buffer, in one frame. */
function drawData() {
  const pairs = data.ties.map(([a, b]) => [lonLat(data.places[a]), lonLat(data.places[b])]);
  const small = data.ties.length <= SMALL_TIES;
  map.getSource("ties-small").setData({
    type: "FeatureCollection",
    features: small ? data.ties.map(([, , n], k) => ({
      type: "Feature", properties: { n }, geometry: { type: "LineString", coordinates: greatCircle(...pairs[k]) },
    })) : [],
  });
  arcs.setAlpha(tieAlpha());
  arcs.setArcs(small ? [] : pairs);
  mark("arcs");
  if (small && data.ties.length) map.once("idle", () => mark("tiesDrawn"));
  const points = () => {
    map.getSource("places").setData({
      type: "FeatureCollection",
      features: data.places.map((row, i) => ({
        type: "Feature", geometry: { type: "Point", coordinates: lonLat(row) }, properties: { i, n: row[6] },
      })),
    });
    mark("points");
  };
  if (small) return points();
  return new Promise((resolve) => {
    arcs.onFirstDraw = () => {
      mark("tiesDrawn");
      points();
      resolve();
    };
  });
}

function whenIdle() {
  return new Promise((resolve) => map.once("idle", resolve));
}

// -- data ----------------------------------------------------------------------------------------------------

/** The places and ties for the current filters (both answers must name the same list of places). */
async function fetchData() {
  const qs = filterParams().toString();
  const suffix = qs ? "?" + qs : "";
  let places, ties;
  for (let attempt = 0; attempt < 3; attempt++) {
    [places, ties] = await Promise.all([api("/api/map/places" + suffix), api("/api/map/ties" + suffix)]);
    if (places.key === ties.key) break; // the store changed between the two answers: ask again
  }
  return [places, ties];
}

async function loadData(fetched) {
  const [places, ties] = await (fetched || fetchData());
  mark("data");
  const index = new Map(places.places.rows.map((row, i) => [row[0], i]));
  data = {
    places: places.places.rows, index, ties: ties.ties.rows, countries: places.countries, sources: places.sources,
    counts: places.counts, empty: places.empty, filters: places.filters, notDrawn: places.notDrawn,
  };
  showCounts();
  showEmpty();
  showCredits();
  renderList();
  await drawData();
  mark("setData");
  await whenIdle();
  mark("idle");
}

function showCounts() {
  const c = data.counts;
  const counts = $("counts");
  counts.dataset.places = String(c.places);
  counts.dataset.ties = String(c.ties);
  counts.textContent = data.empty ? "No place on the map" : `${plural(c.places, "place")} · ${plural(c.ties, "pair")} of places tied (${plural(c.tieCount, "tie")})`;
  const notes = [];
  if (data.filters) notes.push(`Filtered: ${data.filters}.`);
  if (c.placesWithoutCoordinates) notes.push(`${plural(c.placesWithoutCoordinates, "place")} without coordinates.`);
  if (c.refused) notes.push(`${plural(c.refused, "coordinate")} refused (not WGS84 degrees).`);
  $("filter-note").textContent = notes.join(" ");
  showNotDrawn(c, data.notDrawn);
}

/** The ties kept off the map, and which ends keep them off: a country has no single point to draw. */
function showNotDrawn(c, notDrawn) {
  const box = $("not-drawn");
  const list = $("not-drawn-list");
  list.textContent = "";
  box.hidden = !c.tiesNotDrawn;
  if (!c.tiesNotDrawn) return;
  $("not-drawn-summary").textContent = `${plural(c.tiesNotDrawn, "tie")} not drawn`;
  const rows = (notDrawn && notDrawn.rows) || [];
  const shown = rows.length < c.endsNotDrawn ? ` The ${fmt(rows.length)} with the most ties:` : "";
  $("not-drawn-why").textContent =
    `An end of each has no point on the map: a whole country, or a place or organisation without coordinates ` +
    `yet (${plural(c.endsNotDrawn, "end")}).${shown}`;
  for (const [id, label, type, ties] of rows) {
    const item = el("li");
    item.append(link(fullId(id), label), ` ${type === "Country" ? "(country)" : "(no coordinates)"}: `);
    item.append(plural(ties, "tie"));
    list.append(item);
  }
}

function showEmpty() {
  const box = $("map-empty");
  box.hidden = !data.empty;
  box.dataset.reason = data.empty ? data.empty.reason : "";
  $("map-empty-text").textContent = data.empty ? data.empty.message : "";
}

function showCredits() {
  const out = $("coord-credits");
  out.textContent = "";
  const used = data.sources.filter((s) => s.places > 0);
  if (!used.length) return;
  out.append("Coordinates: ");
  used.forEach((s, i) => {
    if (i) out.append("; ");
    out.append(link(s.id, s.title || s.id));
    if (s.rights) out.append(` (${s.rights})`);
  });
  out.append(".");
}

async function loadFacets() {
  facets = await api("/api/facets");
  const fill = (select, items, chosen) => {
    for (const item of items) {
      const option = el("option", `${item.label} (${fmt(item.count)})`);
      option.value = item.value;
      select.append(option);
    }
    if (chosen && ![...select.options].some((o) => o.value === chosen)) {
      const option = el("option", chosen);
      option.value = chosen;
      select.append(option);
    }
    select.value = chosen;
  };
  fill($("f-kind"), facets.kinds.map((k) => ({ value: k.id, label: k.label, count: k.count })), state.kind);
  fill($("f-country"), facets.countries.map((c) => ({ value: c.id, label: c.label || c.id, count: c.count })), state.country);
  const groupNames = { region: "places", organization: "organisations", program: "programs", course: "courses",
    event: "events", person: "people" };
  fill($("f-type"), Object.entries(facets.groups).filter(([g]) => g !== "other")
    .map(([g, n]) => ({ value: g, label: groupNames[g] || g, count: n })), state.type);
  $("f-y0").value = state.y0;
  $("f-y1").value = state.y1;
  if (facets.years) {
    for (const id of ["f-y0", "f-y1"]) {
      $(id).min = facets.years[0];
      $(id).max = facets.years[1];
    }
    $("f-y0").placeholder = String(facets.years[0]);
    $("f-y1").placeholder = String(facets.years[1]);
  }
}

// -- the list of places ----------------------------------------------------------------------------------------

function renderList() {
  const query = fold($("place-filter").value.trim());
  const body = $("place-table").tBodies[0];
  body.textContent = "";
  let matched = 0;
  const selected = selection ? shortId(selection.iri) : "";
  for (let i = 0; i < data.places.length; i++) {
    const row = data.places[i];
    const country = countryName(row[4]);
    if (query && !fold(row[1]).includes(query) && !fold(country).includes(query)) continue;
    matched++;
    if (matched > LIST_LIMIT) continue;
    const tr = document.createElement("tr");
    tr.dataset.id = row[0];
    if (row[0] === selected) tr.setAttribute("aria-selected", "true");
    const name = el("td");
    const button = el("button", row[1]);
    button.type = "button";
    button.addEventListener("click", () => select(fullId(row[0]), { push: true, fly: true, focusPanel: true }));
    name.append(button);
    tr.append(name, el("td", country), el("td", fmt(row[5]), "num"), el("td", fmt(row[6]), "num"));
    body.append(tr);
  }
  const note = $("place-list-note");
  if (!data.places.length) note.textContent = data.empty ? data.empty.message : "No place.";
  else if (!matched) note.textContent = "No place on the map matches that name.";
  else if (matched > LIST_LIMIT) note.textContent = `The ${fmt(LIST_LIMIT)} best tied of ${plural(matched, "matching place")}: type to narrow.`;
  else note.textContent = `${plural(matched, "place")}, best tied first.`;
}

// -- the panel -------------------------------------------------------------------------------------------------

function tieOk(tie) {
  if (state.kind && tie.kind !== state.kind && !(tie.kind || "").endsWith("/" + state.kind)) return false;
  if (state.y0 || state.y1) {
    if (tie.year === null || tie.year === undefined) return false;
    if (state.y0 && tie.year < Number(state.y0)) return false;
    if (state.y1 && tie.year > Number(state.y1)) return false;
  }
  return true;
}

async function select(iri, opts = {}) {
  if (!iri) return;
  state.sel = iri;
  writeState(Boolean(opts.push));
  highlightSelection();
  let entity, where;
  try {
    [entity, where] = await Promise.all([
      api("/api/entity?id=" + encodeURIComponent(iri)),
      api("/api/map/place?id=" + encodeURIComponent(iri)).catch((e) => (e.status === 404 ? null : Promise.reject(e))),
    ]);
  } catch (error) {
    $("panel-empty").hidden = false;
    $("panel-entity").hidden = true;
    $("panel-empty").querySelector("p").textContent = `Could not open ${iri}: ${error.message}`;
    return;
  }
  if (state.sel !== iri) return; // another selection came meanwhile
  selection = { iri, entity, where, showAll: false };
  renderPanel();
  renderList();
  if (opts.fly && where) map.flyTo({ center: [where.positions[0].lon, where.positions[0].lat], zoom: Math.max(map.getZoom(), 5) });
  if (opts.focusPanel) $("panel").focus({ preventScroll: false });
}

function highlightSelection() {
  const i = data && state.sel ? data.index.get(shortId(state.sel)) : undefined;
  const on = i !== undefined;
  const features = [];
  if (on) {
    for (const [a, b, n] of data.ties) {
      if (a !== i && b !== i) continue;
      const line = greatCircle(lonLat(data.places[a]), lonLat(data.places[b]));
      features.push({ type: "Feature", properties: { n }, geometry: { type: "LineString", coordinates: line } });
    }
  }
  map.getSource("ties-selected").setData({ type: "FeatureCollection", features });
  drawHighlights();
}

/** The ties step back while a place's ties or a path are drawn over them. */
function dimTies() {
  const i = data && state.sel ? data.index.get(shortId(state.sel)) : undefined;
  const dim = i !== undefined || Boolean(lastPaths && lastPaths.answer.paths.length);
  arcs.setAlpha(dim ? Math.min(0.06, tieAlpha() / 2) : tieAlpha());
  map.setPaintProperty("ties-lines", "line-opacity", dim ? 0.3 : 0.8);
}

function drawHighlights() {
  const features = [];
  const add = (id, lon, lat, role, label) => features.push({
    type: "Feature", geometry: { type: "Point", coordinates: [lon, lat] },
    properties: { id, role, label, i: data.index.has(id) ? data.index.get(id) : -1 },
  });
  if (lastPaths) for (const [id, pos] of Object.entries(lastPaths.positions)) if (pos) add(id, pos[1], pos[0], "path", lastPaths.labels[id]);
  const sel = state.sel ? shortId(state.sel) : "";
  if (sel && data.index.has(sel)) {
    const row = data.places[data.index.get(sel)];
    add(sel, row[3], row[2], "selected", row[1]);
  } else if (sel && selection && selection.where && shortId(selection.iri) === sel) {
    const p = selection.where.positions[0];
    add(sel, p.lon, p.lat, "selected", selection.entity.label);
  }
  map.getSource("highlight").setData({ type: "FeatureCollection", features });
  dimTies();
}

function renderPanel() {
  const { entity, where } = selection;
  $("panel-empty").hidden = true;
  $("panel-entity").hidden = false;
  // "GovernmentDepartment" reads "government department".
  $("sel-type").textContent = (entity.type || "entity").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  $("sel-label").textContent = entity.label;
  const country = entity.country ? (facets && facets.countries.find((c) => c.id === entity.country)) : null;
  $("sel-country").textContent = country ? country.label : "";
  $("sel-explorer").href = explorerHref(selection.iri);
  const page = pageOf(selection.iri);
  $("sel-page").hidden = !page || !page.startsWith("/");
  if (page && page.startsWith("/")) $("sel-page").href = page;

  const whereBox = $("sel-where");
  whereBox.textContent = "";
  if (!where) {
    whereBox.append("Not on the map: no coordinates yet.");
  } else {
    if (where.placedAt) {
      // An organisation without coordinates of its own is drawn at the place it is located in: say so.
      whereBox.append("Placed at ");
      const place = link(where.placedAt.id, where.placedAt.label);
      place.addEventListener("click", (ev) => { ev.preventDefault(); select(where.placedAt.id, { push: true, fly: true }); });
      whereBox.append(place, ", where it is located (it has no coordinates of its own): ", el("br"));
    }
    where.positions.forEach((p, i) => {
      if (i) whereBox.append(el("br"));
      whereBox.append(`${p.lat.toFixed(4)}, ${p.lon.toFixed(4)} — `, link(p.source, p.title || p.source));
      if (p.rights) whereBox.append(` (${p.rights})`);
    });
    if (where.disagree) whereBox.append(el("br"), el("span", "The sources disagree on where this is by more than 25 km.", "warn"));
    const here = data ? data.places.filter((row) => row[8] === shortId(selection.iri)) : [];
    if (here.length) {
      whereBox.append(el("br"), `Drawn here too, located in it: `);
      here.slice(0, 20).forEach((row, i) => {
        if (i) whereBox.append(", ");
        const b = el("button", row[1], "linkish");
        b.type = "button";
        b.addEventListener("click", () => select(fullId(row[0]), { push: true, focusPanel: true }));
        whereBox.append(b);
      });
      if (here.length > 20) whereBox.append(` and ${fmt(here.length - 20)} more (in the list of places)`);
      whereBox.append(".");
    }
  }

  const ties = entity.ties || [];
  const passing = ties.filter(tieOk);
  const shown = selection.showAll ? ties : passing;
  const list = $("sel-ties");
  list.textContent = "";
  $("sel-ties-title").textContent = `Ties (${fmt(ties.length)})`;
  const hidden = ties.length - passing.length;
  $("sel-ties-note").textContent = hidden && !selection.showAll
    ? `${plural(hidden, "tie")} hidden by the filters.` : "";
  const limit = selection.showAll ? shown.length : Math.min(shown.length, TIES_SHOWN);
  for (const tie of shown.slice(0, limit)) list.append(tieItem(tie, selection.iri));
  if (!ties.length) list.append(el("li", "No tie in the data.", "muted"));
  const more = $("sel-more");
  more.hidden = selection.showAll || (shown.length <= limit && !hidden);
  more.textContent = `Show all ${plural(ties.length, "tie")}`;
}

function tieItem(tie, self) {
  const li = el("li");
  const head = el("div", null, "tie-head");
  head.append(link(tie.id, tie.label));
  li.append(head);
  const meta = [tie.kindLabel || tie.kind || tie.relation, tie.date].filter(Boolean).join(" · ");
  const others = (tie.parties || []).filter((p) => p.id !== self);
  const line = el("div", meta, "tie-meta");
  if (others.length) {
    line.append(meta ? " · with " : "with ");
    others.forEach((p, i) => {
      if (i) line.append(", ");
      const onMap = data.index.has(shortId(p.id));
      if (onMap) {
        const b = el("button", p.label, "linklike");
        b.type = "button";
        b.title = "Show on the map";
        b.addEventListener("click", () => select(p.id, { push: true, fly: true }));
        line.append(b);
      } else {
        line.append(link(p.id, p.label));
      }
    });
  }
  li.append(line);
  const sources = tie.sources || [];
  if (sources.length) {
    const ul = el("ul", null, "sources");
    for (const s of sources) {
      const item = el("li");
      for (const quote of s.quotes || (s.quote ? [s.quote] : [])) item.append(el("blockquote", quote, "quote"));
      for (const row of s.rows || []) item.append(rowTable(row));
      item.append("Source: ", link(s.source, s.title || s.source));
      ul.append(item);
    }
    li.append(ul);
  }
  return li;
}

/** A row of an imported table as a table: its column names over its values, its row number as the caption. */
function rowTable(row) {
  const table = el("table", null, "row");
  table.append(el("caption", `row ${row.row}`));
  const head = el("tr"), values = el("tr");
  for (const cell of row.cells || []) {
    const th = el("th", cell.column);
    th.scope = "col";
    head.append(th);
    values.append(el("td", cell.value));
  }
  table.append(head, values);
  return table;
}

// -- paths -----------------------------------------------------------------------------------------------------

function nameToRef(value) {
  const v = value.trim();
  return names.get(v) || v;
}

async function findPaths(push) {
  if (!state.from || !state.to) return;
  $("path-box").open = true;
  const status = $("path-status");
  status.textContent = "Looking for paths…";
  const p = filterParams();
  p.set("from", state.from);
  p.set("to", state.to);
  p.set("k", String(state.k));
  if (state.ot) p.set("only", "tie");
  else p.set("avoid", "located-in");
  writeState(push);
  let answer;
  try {
    answer = await api("/api/paths?" + p.toString());
  } catch (error) {
    status.textContent = error.message;
    clearPath(false);
    return;
  }
  $("path-from").value = answer.from.label;
  $("path-to").value = answer.to.label;
  names.set(answer.from.label, answer.from.id);
  names.set(answer.to.label, answer.to.id);
  const ids = new Set();
  const labels = {};
  for (const hops of answer.paths) for (const hop of hops) for (const end of [hop.from, hop.to]) {
    ids.add(shortId(end.id));
    labels[shortId(end.id)] = end.label;
  }
  const positions = {};
  const unknown = [];
  for (const id of ids) {
    if (data.index.has(id)) positions[id] = [data.places[data.index.get(id)][2], data.places[data.index.get(id)][3]];
    else unknown.push(id);
  }
  if (unknown.length) Object.assign(positions, (await api("/api/map/positions?ids=" + encodeURIComponent(unknown.join("|")))).positions);
  lastPaths = { answer, positions, labels };
  drawPaths();
  renderPaths();
  const missing = [...ids].filter((id) => !positions[id]).length;
  status.textContent = answer.paths.length
    ? `${plural(answer.paths.length, "path")} from ${answer.from.label} to ${answer.to.label}` +
      (missing ? `; ${plural(missing, "entity", "entities")} on them without coordinates (listed, not drawn).` : ".")
    : `No path from ${answer.from.label} to ${answer.to.label} with these filters: widen or clear the filters.`;
}

function drawPaths() {
  const features = [];
  const bounds = new maplibregl.LngLatBounds();
  lastPaths.answer.paths.forEach((hops, n) => {
    for (const hop of hops) {
      const a = lastPaths.positions[shortId(hop.from.id)], b = lastPaths.positions[shortId(hop.to.id)];
      if (!a || !b) continue;
      const line = greatCircle([a[1], a[0]], [b[1], b[0]]);
      features.push({ type: "Feature", properties: { path: n }, geometry: { type: "LineString", coordinates: line } });
      for (const c of line) bounds.extend(c);
    }
  });
  // The first path last, so that it is drawn on top.
  features.sort((x, y) => y.properties.path - x.properties.path);
  map.getSource("path").setData({ type: "FeatureCollection", features });
  drawHighlights();
  if (!bounds.isEmpty()) map.fitBounds(bounds, { padding: 60, maxZoom: 7, duration: 0 });
}

function renderPaths() {
  const box = $("paths");
  const list = $("path-list");
  list.textContent = "";
  box.hidden = false;
  const { answer } = lastPaths;
  if (!answer.paths.length) list.append(el("li", "No path with these filters.", "muted"));
  answer.paths.forEach((hops, n) => {
    const li = el("li", null, "path");
    li.append(el("div", `${plural(hops.length, "hop")}${n === 0 ? " (drawn boldest)" : ""}`, "tie-meta"));
    for (const hop of hops) {
      const div = el("div", null, "hop");
      const head = el("div", null, "tie-head");
      head.append(link(hop.from.id, hop.from.label), " → ", link(hop.to.id, hop.to.label));
      div.append(head);
      const ties = el("ul", null, "ties");
      for (const tie of hop.ties) ties.append(tieItem(tie, hop.from.id));
      div.append(ties);
      for (const l of hop.links) div.append(el("div", `${l.subject.label} ${l.role} ${l.object.label}`, "tie-meta"));
      li.append(div);
    }
    list.append(li);
  });
}

function clearPath(write) {
  lastPaths = null;
  map.getSource("path").setData(EMPTY);
  $("paths").hidden = true;
  $("path-list").textContent = "";
  drawHighlights();
  if (write) {
    state.from = state.to = "";
    $("path-from").value = $("path-to").value = "";
    $("path-status").textContent = "";
    writeState(true);
  }
}

let searchTimer = null;
function suggest(event) {
  clearTimeout(searchTimer);
  const q = event.target.value.trim();
  if (q.length < 2) return;
  searchTimer = setTimeout(async () => {
    const found = await api("/api/search?limit=8&q=" + encodeURIComponent(q)).catch(() => ({ results: [] }));
    const list = $("path-names");
    list.textContent = "";
    const counts = {};
    for (const r of found.results) counts[r.label] = (counts[r.label] || 0) + 1;
    for (const r of found.results) {
      // Two entities of one name: the option carries the IRI, so the right one is asked for.
      const value = counts[r.label] > 1 ? r.id : r.label;
      if (counts[r.label] === 1) names.set(r.label, r.id);
      const option = el("option");
      option.value = value;
      option.label = `${r.label} (${r.type || r.group || "entity"})`;
      list.append(option);
    }
  }, 200);
}

// -- wiring ----------------------------------------------------------------------------------------------------

async function applyFilters() {
  state.kind = $("f-kind").value;
  state.country = $("f-country").value;
  state.type = $("f-type").value;
  const y = (id) => (/^-?\d{1,4}$/.test($(id).value.trim()) ? $(id).value.trim() : "");
  state.y0 = y("f-y0");
  state.y1 = y("f-y1");
  writeState(true);
  await refresh();
}

async function refresh() {
  try {
    await loadData();
  } catch (error) {
    $("counts").textContent = "The map could not be loaded: " + error.message;
    return;
  }
  highlightSelection();
  if (selection) renderPanel();
  if (state.from && state.to) await findPaths(false);
}

function wire() {
  for (const id of ["f-kind", "f-country", "f-type"]) $(id).addEventListener("change", applyFilters);
  for (const id of ["f-y0", "f-y1"]) $(id).addEventListener("change", applyFilters);
  $("btn-clear").addEventListener("click", () => {
    for (const id of ["f-kind", "f-country", "f-type", "f-y0", "f-y1"]) $(id).value = "";
    applyFilters();
  });
  $("place-filter").addEventListener("input", renderList);
  $("sel-more").addEventListener("click", () => {
    selection.showAll = true;
    renderPanel();
  });
  $("btn-share").addEventListener("click", () => {
    writeState(false);
    const box = $("share-url");
    box.value = location.href;
    box.hidden = false;
    box.select();
    if (navigator.clipboard) navigator.clipboard.writeText(location.href).catch(() => {});
  });
  $("path-form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.from = nameToRef($("path-from").value);
    state.to = nameToRef($("path-to").value);
    state.k = Math.min(10, Math.max(1, parseInt($("path-k").value, 10) || 3));
    if (!state.from || !state.to) {
      $("path-status").textContent = "Give both ends of the path: a place or entity in From and in To.";
      return;
    }
    findPaths(true);
  });
  $("btn-path-clear").addEventListener("click", () => clearPath(true));
  for (const id of ["path-from", "path-to"]) $(id).addEventListener("input", suggest);
  const pathEnd = (input) => () => {
    if (!selection) return;
    $(input).value = selection.entity.label;
    names.set(selection.entity.label, selection.iri);
    $("path-box").open = true;
    $(input).focus();
  };
  $("btn-path-from").addEventListener("click", pathEnd("path-from"));
  $("btn-path-to").addEventListener("click", pathEnd("path-to"));
  window.addEventListener("popstate", async () => {
    const before = JSON.stringify([state.kind, state.country, state.type, state.y0, state.y1]);
    readState();
    syncControls();
    if (JSON.stringify([state.kind, state.country, state.type, state.y0, state.y1]) !== before) await refresh();
    if (state.sel) select(state.sel);
    else {
      selection = null;
      $("panel-entity").hidden = true;
      $("panel-empty").hidden = false;
      highlightSelection();
    }
    if (state.from && state.to) findPaths(false);
    else clearPath(false);
  });
}

function syncControls() {
  $("f-kind").value = state.kind;
  $("f-country").value = state.country;
  $("f-type").value = state.type;
  $("f-y0").value = state.y0;
  $("f-y1").value = state.y1;
  $("path-k").value = String(state.k);
}

/** The first view: the focused (or selected) place with its partners, else every place on the map. */
function fitStart() {
  const bounds = new maplibregl.LngLatBounds();
  const i = data.index.get(shortId(state.focus || state.sel));
  if (i !== undefined) {
    bounds.extend(lonLat(data.places[i]));
    for (const [a, b] of data.ties) if (a === i || b === i) bounds.extend(lonLat(data.places[a === i ? b : a]));
  } else {
    for (const row of data.places) bounds.extend(lonLat(row));
  }
  if (!bounds.isEmpty()) map.fitBounds(bounds, { padding: { top: 40, bottom: 90, left: 40, right: 60 }, maxZoom: 6, duration: 0 });
}

async function main() {
  readState();
  if (window.matchMedia("(max-width: 900px)").matches) $("filters").open = false;
  wire();
  map = new maplibregl.Map({
    container: "map", style: baseStyle(), center: [15, 25], zoom: 0.8, minZoom: 0, maxZoom: 12,
    dragRotate: false, pitchWithRotate: false, attributionControl: { compact: true, customAttribution: "Natural Earth" },
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  window.pgmap = { map, state, data: () => data, selection: () => selection, paths: () => lastPaths, arcs: () => arcs, started,
    timings };
  const fetched = fetchData(); // at once, while the map loads
  fetched.catch(() => {});
  // Our layers go in as soon as the style is parsed: the ties need not wait for the base map's shapes.
  if (!map.isStyleLoaded()) await new Promise((resolve) => map.once("style.load", resolve));
  mark("style");
  addLayers();
  detailWhenZoomed();
  try {
    await Promise.all([loadFacets(), loadData(fetched)]);
  } catch (error) {
    $("counts").textContent = "The map could not be loaded: " + error.message;
    document.body.dataset.ready = "error";
    return;
  }
  syncControls();
  document.body.dataset.drawnMs = String(Math.round(performance.now() - started));
  fitStart();
  const first = state.sel || state.focus;
  if (first) await select(first);
  else highlightSelection();
  if (state.from && state.to) await findPaths(false);
  updateExplorerLinks();
  document.body.dataset.ready = "1";
}

main();
