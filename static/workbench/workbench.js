// The query workbench: editor, examples, results as a table or a network, downloads, state in the URL.
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
  let last = null; // {vars, bindings, labels, truncated, ms}

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // -- state in the URL fragment: #query=...&view=table ----------------------------------------------------
  function readState() {
    const params = new URLSearchParams(location.hash.slice(1));
    return { query: params.get("query"), view: params.get("view") === "network" ? "network" : "table" };
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
    const params = new URLSearchParams({ query: editor.getValue(), format: fmt });
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
      setStatus(text.trim(), "error");
      $("results").append(el("pre", { class: "wb-error", role: "alert" }, text.trim()));
      return;
    }
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
    last = { vars, bindings, truncated, ms, labels: {} };
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
      if (cell["xml:lang"]) td.append(" ", el("span", { class: "tag" }, "@" + cell["xml:lang"]));
    }
    return td;
  }

  function renderTable() {
    const wrap = el("div", { class: "wb-table-wrap" });
    const table = el("table", { class: "wb-table", id: "results-table" });
    const head = el("tr");
    for (const v of last.vars) head.append(el("th", {}, v));
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

  // The network: our entities as nodes, linked when they share a row (the explorer draws the real thing).
  function renderNetwork() {
    const nodes = new Map();
    const edges = new Map();
    for (const b of last.bindings) {
      const here = [...new Set(Object.values(b).filter((c) => c.type === "uri" && ourEntity(c.value)).map((c) => c.value))];
      for (const iri of here) nodes.set(iri, (nodes.get(iri) || 0) + 1);
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
    const list = [...nodes.keys()].slice(0, 300);
    const index = new Map(list.map((iri, i) => [iri, i]));
    const size = 640, r = size / 2 - 60;
    const pos = list.map((_, i) => {
      const a = (2 * Math.PI * i) / list.length;
      return [size / 2 + r * Math.cos(a), size / 2 + r * Math.sin(a)];
    });
    const NS = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
    svg.setAttribute("class", "wb-network-svg");
    for (const key of edges.keys()) {
      const [a, b] = key.split(" ");
      if (!index.has(a) || !index.has(b)) continue;
      const line = document.createElementNS(NS, "line");
      const [x1, y1] = pos[index.get(a)], [x2, y2] = pos[index.get(b)];
      Object.entries({ x1, y1, x2, y2, class: "wb-edge" }).forEach(([k, v]) => line.setAttribute(k, v));
      svg.append(line);
    }
    list.forEach((iri, i) => {
      const link = document.createElementNS(NS, "a");
      link.setAttribute("href", networkUrl(iri));
      const circle = document.createElementNS(NS, "circle");
      Object.entries({ cx: pos[i][0], cy: pos[i][1], r: 6, class: "wb-node" }).forEach(([k, v]) => circle.setAttribute(k, v));
      const title = document.createElementNS(NS, "title");
      const label = ((last.labels || {})[iri] || {}).label || shorten(iri);
      title.textContent = label;
      const text = document.createElementNS(NS, "text");
      text.setAttribute("x", pos[i][0] + 8);
      text.setAttribute("y", pos[i][1] + 4);
      text.textContent = label.length > 28 ? label.slice(0, 27) + "…" : label;
      circle.append(title);
      link.append(circle, text);
      svg.append(link);
    });
    const focus = list[0];
    box.append(
      el("p", { class: "muted" }, `${list.length} entities, ${edges.size} links (entities named in one row are linked). Click an entity to open it in the network explorer.`),
    );
    const open = el("a", { class: "button primary", href: networkUrl(focus), id: "open-network" }, "Open in the network explorer");
    box.append(open, svg);
    return box;
  }

  function render() {
    const results = $("results");
    if (!last) return;
    results.replaceChildren(view === "network" ? renderNetwork() : renderTable());
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
      if (s.query !== null && s.query !== editor.getValue()) editor.setValue(s.query);
      if (s.view !== view) setView(s.view);
    });
    editor.focus();
    if (state.query) run();
  }
  start();
})();
