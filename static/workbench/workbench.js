// The query workbench: editor, examples, results as a table, a chart or a network, downloads, state in the URL.
// Every text from the data is written with textContent (never innerHTML).
(function () {
  "use strict";
  const settings = JSON.parse(document.getElementById("wb-settings").textContent);
  const $ = (id) => document.getElementById(id);
  const DEFAULT_QUERY = `PREFIX kp: <https://partnergraph.org/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT DISTINCT ?tie ?label ?party WHERE {
  ?tie a kp:Agreement ; kp:party ?party .
  OPTIONAL { ?tie rdfs:label ?label }
}
LIMIT 100
`;
  let editor = null;
  let view = "table";
  let last = null; // {vars, bindings, labels, truncated, ms, columns}
  const VIEWS = ["table", "chart", "network"];

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // -- state in the URL fragment: #query=...&view=table ----------------------------------------------------
  function readState() {
    const params = new URLSearchParams(location.hash.slice(1));
    return { query: params.get("query"), view: VIEWS.includes(params.get("view")) ? params.get("view") : "table" };
  }
  function writeState() {
    const params = new URLSearchParams();
    params.set("query", editor.getValue());
    params.set("view", view);
    history.replaceState(null, "", "#" + params.toString().replace(/\+/g, "%20"));
  }

  function setStatus(text, kind) {
    const status = $("status");
    status.textContent = text;
    status.className = "wb-status " + (kind || "muted");
  }

  // -- running ----------------------------------------------------------------------------------------------
  function downloadUrl(fmt) {
    const params = new URLSearchParams({ query: editor.getValue(), format: fmt, download: "1" });
    return settings.endpoint + "?" + params.toString();
  }

  async function run() {
    const query = editor.getValue();
    writeState();
    setStatus("Running…");
    $("results").replaceChildren();
    const started = performance.now();
    let response;
    try {
      response = await fetch(settings.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json, application/n-triples;q=0.9" },
        body: query,
      });
    } catch (error) {
      setStatus("The server did not answer: " + error, "error");
      return;
    }
    const ms = Math.round(performance.now() - started);
    const text = await response.text();
    if (!response.ok) {
      last = null;
      showError(text.trim(), response.status);
      return;
    }
    editor.clearErrors();
    const truncated = response.headers.get("X-Partnergraph-Truncated") === "true";
    const type = response.headers.get("Content-Type") || "";
    let vars, bindings;
    if (type.includes("sparql-results+json")) {
      const doc = JSON.parse(text);
      if ("boolean" in doc) {
        vars = ["boolean"];
        bindings = [{ boolean: { type: "literal", value: String(doc.boolean) } }];
      } else {
        vars = doc.head.vars;
        bindings = doc.results.bindings;
      }
    } else {
      ({ vars, bindings } = parseNTriples(text));
    }
    last = { vars, bindings, truncated, ms, labels: {}, columns: columnLabels(query) };
    const rows = bindings.length;
    setStatus(`${rows} row${rows === 1 ? "" : "s"} in ${ms} ms` + (truncated ? ` — cut at the limit of ${settings.maxRows} rows` : ""),
      truncated ? "warn" : "muted");
    for (const [id, fmt] of [["download-csv", "csv"], ["download-json", "json"]]) {
      const link = $(id);
      link.href = downloadUrl(fmt);
      link.hidden = false;
    }
    render();
    await fetchLabels();
  }

  // -- errors: one readable message, marked in the editor where the engine stopped -------------------------
  // The engine's "expected one of ..." lists character classes too; keep the words people can type.
  function expectedWords(rest) {
    const m = /expected one of (.*)$/s.exec(rest) || /expected (.*)$/s.exec(rest);
    if (!m) return [];
    return m[1].split(/,\s*/).map((w) => w.trim()).filter((w) => /^(\[?'?[A-Za-z_]{1,20}'?\]?|'[^\w\s]{1,2}'|\['[^\w\s]{1,2}'\])$/.test(w))
      .map((w) => w.replace(/^\[|\]$/g, "").replace(/^'|'$/g, ""));
  }

  // {line, column, message, prefix} from the endpoint's error text (line and column are 1-based).
  function readableError(text) {
    const body = text.replace(/^query syntax error:\s*/i, "");
    const m = /line (\d+), column (\d+):\s*([\s\S]*)$/.exec(body);
    if (!m) return { message: body.split("\n")[0].slice(0, 400) };
    const line = Number(m[1]), column = Number(m[2]), rest = m[3];
    const where = `Line ${line}, column ${column}: `;
    if (/Prefix not found/i.test(rest)) {
      const lineText = editor.getValue().split("\n")[line - 1] || "";
      const found = /([A-Za-z][\w-]*)?:[\w-]*$/.exec(lineText.slice(0, column - 1)) || /([A-Za-z][\w-]*)?:/.exec(lineText.slice(column - 1));
      const prefix = found ? found[1] || "" : "";
      const ns = (vocabulary.prefixes || {})[prefix];
      return {
        line, column, prefix: ns ? prefix : null,
        message: where + `the prefix ${prefix}: is not declared.` + (ns ? ` Add PREFIX ${prefix}: <${ns}> at the top.` : " Declare it with a PREFIX line at the top."),
      };
    }
    const words = expectedWords(rest);
    const more = words.length > 8 ? ` (or ${words.length - 8} more)` : "";
    return {
      line, column,
      message: where + "the query cannot be read here" + (words.length ? `; expected ${words.slice(0, 8).join(", ")}${more}.` : "."),
    };
  }

  function showError(text, status) {
    const error = status === 400 ? readableError(text) : { message: text.split("\n")[0].slice(0, 400) };
    setStatus(status === 400 ? "Not run: the query has an error." : "The query failed.", "error");
    const box = el("div", { class: "wb-error", role: "alert", id: "query-error" });
    box.append(el("p", { class: "wb-error-message" }, error.message));
    if (status === 503 && /longer than the limit/.test(text)) {
      // Stopped at the time limit: most such queries read the whole store; the guide says what to write instead.
      const tip = el("p", { class: "wb-error-tip" }, "Some shapes read the whole store, whatever the engine: ");
      tip.append(el("a", { href: $("fast-queries").getAttribute("href") }, "Writing fast queries"),
        " shows them and how to ask the same question so that it answers in time.");
      box.append(tip);
    }
    if (error.prefix) {
      const fix = el("button", { type: "button", id: "add-prefix" }, `Add PREFIX ${error.prefix}:`);
      fix.addEventListener("click", () => { editor.addPrefix(error.prefix); editor.clearErrors(); run(); });
      box.append(fix);
    }
    if (error.line) {
      const raw = el("details", { class: "wb-error-raw" });
      raw.append(el("summary", {}, "The engine's own words"), el("pre", {}, text));
      box.append(raw);
      editor.markError(error.line, error.column, error.message, error.prefix ? { prefix: error.prefix } : null);
    }
    $("results").replaceChildren(box);
  }

  // Column headers a query names in its header comments: "# column: partnerLabel Partner".
  function columnLabels(text) {
    const labels = {};
    for (const line of text.split("\n")) {
      const m = /^#\s*column:\s*\??([\w]+)\s+(.+)$/.exec(line.trim());
      if (m) labels[m[1]] = m[2].trim();
    }
    return labels;
  }

  // CONSTRUCT/DESCRIBE answers come as N-Triples: show them as subject/predicate/object rows.
  function parseNTriples(text) {
    const term = /\s*(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[\w-]+|\^\^<[^>]*>)?)/y;
    const bindings = [];
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      term.lastIndex = 0;
      const parts = [];
      for (let i = 0; i < 3; i++) {
        const m = term.exec(line);
        if (!m) break;
        parts.push(m[1]);
      }
      if (parts.length !== 3) continue;
      const row = {};
      ["subject", "predicate", "object"].forEach((v, i) => { row[v] = ntCell(parts[i]); });
      bindings.push(row);
    }
    return { vars: ["subject", "predicate", "object"], bindings };
  }
  function ntCell(t) {
    if (t.startsWith("<")) return { type: "uri", value: t.slice(1, -1) };
    if (t.startsWith("_:")) return { type: "bnode", value: t.slice(2) };
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(t);
    return { type: "literal", value: JSON.parse('"' + m[1] + '"') };
  }

  async function fetchLabels() {
    if (!last) return;
    const iris = new Set();
    for (const b of last.bindings) for (const c of Object.values(b)) if (c.type === "uri") iris.add(c.value);
    if (!iris.size) return;
    const current = last;
    try {
      const response = await fetch(settings.labels, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify([...iris].slice(0, 1000)),
      });
      if (!response.ok) return;
      current.labels = await response.json();
      if (current === last) render();
    } catch (error) { /* labels are a nicety: the IRIs stay shown */ }
  }

  // -- rendering --------------------------------------------------------------------------------------------
  function shorten(iri) {
    for (const [p, ns] of Object.entries(vocabulary.prefixes || {})) {
      if (iri.startsWith(ns) && !/[/#]/.test(iri.slice(ns.length))) return p + ":" + iri.slice(ns.length);
    }
    return iri;
  }
  function ourEntity(iri) { return iri.startsWith(settings.base + "id/"); }
  function entityUrl(iri) { return "/" + iri.slice(settings.base.length); }
  function networkUrl(iri) { return "/?focus=" + encodeURIComponent(iri); }

  const DATE_TYPE = /#(date|dateTime|gYearMonth)$/;
  function cellNode(cell) {
    const td = el("td");
    if (!cell) return td;
    if (cell.type === "uri") {
      const info = (last.labels || {})[cell.value] || {};
      const label = info.label || shorten(cell.value);
      const href = ourEntity(cell.value) ? entityUrl(cell.value) : window.safeHref(cell.value);
      const a = href ? el("a", { href, title: cell.value, class: "wb-iri" }, label) : el("span", { title: cell.value, class: "wb-iri" }, label);
      if (href && !ourEntity(cell.value)) a.setAttribute("rel", "noopener noreferrer");
      td.append(a);
      if (ourEntity(cell.value)) {
        td.append(" ", el("a", { href: networkUrl(cell.value), class: "wb-net", title: "Open in the network explorer" }, "network ↗"));
      }
    } else if (cell.type === "bnode") {
      td.textContent = "_:" + cell.value;
    } else {
      td.textContent = cell.value;
      if (DATE_TYPE.test(cell.datatype || "")) td.className = "wb-date"; // 2014-05-20 never breaks at its hyphens
      if (cell["xml:lang"]) td.append(" ", el("span", { class: "tag" }, "@" + cell["xml:lang"]));
    }
    return td;
  }

  function renderTable() {
    const wrap = el("div", { class: "wb-table-wrap" });
    const table = el("table", { class: "wb-table", id: "results-table" });
    const head = el("tr");
    for (const v of last.vars) {
      const named = (last.columns || {})[v];
      head.append(el("th", named ? { title: "?" + v, scope: "col" } : { scope: "col" }, named || v));
    }
    const thead = el("thead");
    thead.append(head);
    table.append(thead);
    const body = el("tbody");
    for (const b of last.bindings) {
      const tr = el("tr");
      for (const v of last.vars) tr.append(cellNode(b[v]));
      body.append(tr);
    }
    table.append(body);
    wrap.append(table);
    return wrap;
  }

  const SVG_NS = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function labelOf(cell) {
    if (!cell) return "";
    if (cell.type === "uri") return ((last.labels || {})[cell.value] || {}).label || shorten(cell.value);
    return cell.value;
  }

  // -- chart: a column of numbers against a column of names (bars) or of years and dates (a line) ------------
  const NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger)$/;
  function isNumber(cell) {
    return cell && cell.type !== "uri" && (NUMERIC.test(cell.datatype || "") || /^-?\d+(\.\d+)?$/.test(cell.value));
  }
  function chartSpec() {
    const rows = last.bindings;
    if (!rows.length) return null;
    const numeric = last.vars.filter((v) => rows.every((b) => !b[v] || isNumber(b[v])) && rows.some((b) => b[v]));
    const value = numeric[numeric.length - 1];
    if (!value) return null;
    const category = last.vars.find((v) => v !== value && !numeric.includes(v) && rows.some((b) => b[v]))
      || numeric.find((v) => v !== value);
    if (!category) return null;
    const points = rows.filter((b) => b[value]).map((b) => ({ label: labelOf(b[category]), value: Number(b[value].value), cell: b[category] }));
    const temporal = points.every((p) => /^-?\d{4}(-\d\d){0,2}/.test(p.label));
    if (temporal) points.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    return { category, value, points, kind: temporal && points.length > 1 ? "line" : "bar" };
  }
  function columnName(v) { return (last.columns || {})[v] || v; }

  function renderChart() {
    const box = el("div", { class: "wb-chart", id: "results-chart" });
    const spec = chartSpec();
    if (!spec) {
      box.append(el("p", { class: "muted" }, "Nothing to chart: a chart needs a column of numbers (e.g. COUNT(?x) AS ?n) and a column of names or years, as in SELECT ?kind (COUNT(?tie) AS ?n) … GROUP BY ?kind."));
      return box;
    }
    const shown = spec.kind === "bar" ? spec.points.slice(0, 60) : spec.points;
    const note = `${columnName(spec.value)} by ${columnName(spec.category)}` +
      (shown.length < spec.points.length ? ` — the first ${shown.length} of ${spec.points.length} rows` : "");
    box.append(el("p", { class: "muted", id: "chart-caption" }, note));
    box.append(spec.kind === "line" ? lineChart(shown, spec) : barChart(shown, spec));
    return box;
  }

  // Charts are drawn at the width they are shown at, so that their text keeps its size.
  function chartWidth() { return Math.max(300, Math.min(1100, ($("results").clientWidth || 800) - 4)); }

  function barChart(points, spec) {
    const max = Math.max(0, ...points.map((p) => p.value)) || 1;
    const width = chartWidth(), labelWidth = Math.min(220, Math.round(width * 0.38)), bar = 18, gap = 6, top = 8;
    const chars = Math.floor(labelWidth / 7);
    const height = top + points.length * (bar + gap) + 24;
    const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, class: "wb-chart-svg", role: "img",
      "aria-label": `Bar chart of ${columnName(spec.value)} by ${columnName(spec.category)}` });
    const scale = (width - labelWidth - 70) / max;
    points.forEach((p, i) => {
      const y = top + i * (bar + gap);
      const g = svgEl("g", { class: "wb-bar" });
      const name = p.label.length > chars ? p.label.slice(0, chars - 1) + "…" : p.label;
      g.append(svgEl("text", { x: labelWidth - 8, y: y + bar * 0.7, "text-anchor": "end", class: "wb-axis-label" }, name));
      const rect = svgEl("rect", { x: labelWidth, y, width: Math.max(1, p.value * scale), height: bar, class: "wb-bar-rect" });
      rect.append(svgEl("title", {}, `${p.label}: ${p.value}`));
      g.append(rect, svgEl("text", { x: labelWidth + Math.max(1, p.value * scale) + 6, y: y + bar * 0.7, class: "wb-bar-value" }, String(p.value)));
      svg.append(g);
    });
    return svg;
  }

  function lineChart(points, spec) {
    const width = chartWidth(), height = 320, left = 50, right = 20, top = 16, bottom = 40;
    const max = Math.max(0, ...points.map((p) => p.value)) || 1;
    const x = (i) => left + (points.length === 1 ? 0 : (i * (width - left - right)) / (points.length - 1));
    const y = (v) => top + (height - top - bottom) * (1 - v / max);
    const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, class: "wb-chart-svg", role: "img",
      "aria-label": `Line chart of ${columnName(spec.value)} by ${columnName(spec.category)}` });
    const whole = points.every((p) => Number.isInteger(p.value));
    const ticks = [...new Set([0, 0.25, 0.5, 0.75, 1].map((t) => (whole ? Math.round(max * t) : Math.round(max * t * 100) / 100)))];
    for (const v of ticks) {
      svg.append(svgEl("line", { x1: left, x2: width - right, y1: y(v), y2: y(v), class: "wb-grid" }));
      svg.append(svgEl("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", class: "wb-axis-label" }, String(v)));
    }
    svg.append(svgEl("polyline", { points: points.map((p, i) => `${x(i)},${y(p.value)}`).join(" "), class: "wb-line" }));
    const every = Math.max(1, Math.ceil(points.length / Math.max(2, Math.floor(width / 80))));
    points.forEach((p, i) => {
      const dot = svgEl("circle", { cx: x(i), cy: y(p.value), r: 3.5, class: "wb-dot" });
      dot.append(svgEl("title", {}, `${p.label}: ${p.value}`));
      svg.append(dot);
      if (i % every === 0 || i === points.length - 1) {
        svg.append(svgEl("text", { x: x(i), y: height - bottom + 18, "text-anchor": "middle", class: "wb-axis-label" }, p.label.slice(0, 10)));
      }
    });
    return svg;
  }

  // -- network: our entities as nodes, linked when they share a row, laid out by forces -------------------
  // A small force-directed layout (repulsion between all nodes, springs along links, a pull to the centre),
  // deterministic: the same results give the same picture.
  function forceLayout(ids, links, width, height) {
    const n = ids.length;
    const index = new Map(ids.map((id, i) => [id, i]));
    const pos = ids.map((_, i) => {
      const a = i * 2.399963, r = 10 * Math.sqrt(i + 1);
      return [width / 2 + r * Math.cos(a), height / 2 + r * Math.sin(a)];
    });
    const edges = links.map(([a, b]) => [index.get(a), index.get(b)]).filter(([a, b]) => a !== undefined && b !== undefined);
    const k = Math.sqrt((width * height) / Math.max(n, 1)) * 0.75;
    let temperature = width / 8;
    for (let step = 0; step < 300; step++) {
      const disp = pos.map(() => [0, 0]);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
        const dx = pos[i][0] - pos[j][0], dy = pos[i][1] - pos[j][1];
        const d2 = Math.max(dx * dx + dy * dy, 0.01);
        if (d2 > 9 * k * k) continue; // far nodes do not push: loose pieces stay near the rest
        const f = (k * k) / d2;
        disp[i][0] += dx * f; disp[i][1] += dy * f; disp[j][0] -= dx * f; disp[j][1] -= dy * f;
      }
      for (const [a, b] of edges) {
        const dx = pos[a][0] - pos[b][0], dy = pos[a][1] - pos[b][1];
        const d = Math.max(Math.sqrt(dx * dx + dy * dy), 0.01), f = d / k;
        disp[a][0] -= dx * f; disp[a][1] -= dy * f; disp[b][0] += dx * f; disp[b][1] += dy * f;
      }
      for (let i = 0; i < n; i++) {
        disp[i][0] += (width / 2 - pos[i][0]) * 0.12;
        disp[i][1] += (height / 2 - pos[i][1]) * 0.12;
        const d = Math.max(Math.hypot(disp[i][0], disp[i][1]), 0.01), move = Math.min(d, temperature);
        pos[i][0] += (disp[i][0] / d) * move;
        pos[i][1] += (disp[i][1] / d) * move;
      }
      temperature *= 0.985;
    }
    // Fit into the box with a margin for labels.
    const xs = pos.map((p) => p[0]), ys = pos.map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const sx = (width - 160) / Math.max(x1 - x0, 1), sy = (height - 60) / Math.max(y1 - y0, 1);
    return pos.map(([x, y]) => [80 + (x - x0) * sx, 30 + (y - y0) * sy]);
  }

  function renderNetwork() {
    const nodes = new Map();
    const edges = new Map();
    for (const b of last.bindings) {
      const here = [...new Set(Object.values(b).filter((c) => c.type === "uri" && ourEntity(c.value)).map((c) => c.value))];
      for (const iri of here) nodes.set(iri, nodes.get(iri) || 0);
      for (let i = 0; i < here.length; i++) for (let j = i + 1; j < here.length; j++) {
        const key = here[i] < here[j] ? here[i] + " " + here[j] : here[j] + " " + here[i];
        edges.set(key, (edges.get(key) || 0) + 1);
      }
    }
    const box = el("div", { class: "wb-network", id: "results-network" });
    if (!edges.size) {
      box.append(el("p", { class: "muted" }, "No row of these results links two entities of the graph: nothing to draw as a network."));
      return box;
    }
    for (const key of edges.keys()) for (const iri of key.split(" ")) nodes.set(iri, nodes.get(iri) + 1);
    const list = [...nodes.keys()].sort((a, b) => nodes.get(b) - nodes.get(a)).slice(0, 300);
    const kept = new Set(list);
    const links = [...edges.keys()].map((k) => k.split(" ")).filter(([a, b]) => kept.has(a) && kept.has(b));
    const width = 1200, height = Math.max(420, Math.min(900, 200 + list.length * 6));
    const pos = forceLayout(list, links, width, height);
    const at = new Map(list.map((iri, i) => [iri, pos[i]]));
    const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, class: "wb-network-svg", role: "img",
      "aria-label": `Network of ${list.length} entities and ${links.length} links` });
    for (const [a, b] of links) {
      const [x1, y1] = at.get(a), [x2, y2] = at.get(b);
      svg.append(svgEl("line", { x1, y1, x2, y2, class: "wb-edge" }));
    }
    // The best connected are named, no label drawn on another; every node has a tooltip.
    const placed = [];
    const labelled = new Set();
    list.forEach((iri, i) => {
      const label = ((last.labels || {})[iri] || {}).label || shorten(iri);
      const box = [pos[i][0] + 8, pos[i][1] - 8, pos[i][0] + 12 + Math.min(label.length, 28) * 6.2, pos[i][1] + 6];
      const free = placed.every((b) => box[2] < b[0] || box[0] > b[2] || box[3] < b[1] || box[1] > b[3]);
      if (free && labelled.size < 60 && box[2] < width) { placed.push(box); labelled.add(iri); }
    });
    list.forEach((iri, i) => {
      const link = svgEl("a", { href: networkUrl(iri) });
      const degree = nodes.get(iri);
      const circle = svgEl("circle", { cx: pos[i][0], cy: pos[i][1], r: Math.min(4 + Math.sqrt(degree) * 2, 14), class: "wb-node" });
      const label = ((last.labels || {})[iri] || {}).label || shorten(iri);
      circle.append(svgEl("title", {}, label));
      link.append(circle);
      if (labelled.has(iri)) {
        link.append(svgEl("text", { x: pos[i][0] + 9, y: pos[i][1] + 4 }, label.length > 28 ? label.slice(0, 27) + "…" : label));
      }
      svg.append(link);
    });
    box.append(
      el("p", { class: "muted" }, `${list.length} entities, ${links.length} links (entities named in one row are linked; ${labelled.size} named, the others on hover). Click an entity to open it in the network explorer.`),
    );
    const open = el("a", { class: "button primary", href: networkUrl(list[0]), id: "open-network" }, "Open in the network explorer");
    box.append(open, svg);
    return box;
  }

  function render() {
    const results = $("results");
    if (!last) return;
    results.replaceChildren(view === "network" ? renderNetwork() : view === "chart" ? renderChart() : renderTable());
  }

  function setView(next) {
    view = next;
    for (const b of document.querySelectorAll(".wb-views [role=tab]")) b.setAttribute("aria-selected", String(b.dataset.view === view));
    render();
    if (editor) writeState();
  }

  // -- examples ---------------------------------------------------------------------------------------------
  function toggleExamples(show) {
    const panel = $("examples");
    panel.hidden = show === undefined ? !panel.hidden : !show;
    $("examples-toggle").setAttribute("aria-expanded", String(!panel.hidden));
  }

  async function loadExample(form) {
    const params = new URLSearchParams();
    for (const input of form.querySelectorAll("input")) if (input.value) params.set(input.name, input.value);
    const response = await fetch(`/query/${encodeURIComponent(form.dataset.name)}.rq?` + params.toString());
    const text = await response.text();
    if (!response.ok) { setStatus(text.trim(), "error"); return; }
    editor.setValue(text);
    await run();
  }

  // -- start ------------------------------------------------------------------------------------------------
  let vocabulary = { prefixes: {}, terms: [] };
  async function start() {
    try {
      const response = await fetch(settings.vocabulary);
      if (response.ok) vocabulary = await response.json();
    } catch (error) { /* completion falls back to keywords */ }
    const state = readState();
    view = state.view;
    editor = PGEditor.createEditor($("editor"), state.query || DEFAULT_QUERY, {
      vocabulary, onRun: run,
    });
    for (const b of document.querySelectorAll(".wb-views [role=tab]")) b.addEventListener("click", () => setView(b.dataset.view));
    setView(view);
    $("run").addEventListener("click", run);
    $("examples-toggle").addEventListener("click", () => toggleExamples());
    for (const form of document.querySelectorAll(".wb-example-form")) {
      form.addEventListener("submit", (event) => { event.preventDefault(); loadExample(form); });
    }
    $("share").addEventListener("click", async () => {
      writeState();
      try { await navigator.clipboard.writeText(location.href); setStatus("Link copied: it opens this query and view."); }
      catch (error) { setStatus("Copy this page's address to share the query."); }
    });
    window.addEventListener("hashchange", () => {
      const s = readState();
      if (s.view !== view) setView(s.view);
      // A link to another query (same page, new fragment) opens and runs it, as on load.
      if (s.query !== null && s.query !== editor.getValue()) { editor.setValue(s.query); run(); }
    });
    editor.focus();
    if (state.query) run();
  }
  start();
})();
