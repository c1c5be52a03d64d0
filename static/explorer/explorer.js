/* Partnergraph network explorer: sigma.js (WebGL) over a graphology graph, fed by /api/.
 * Every text from the data is put on the page with textContent (never innerHTML); labels on the network are
 * drawn on a canvas by sigma. The view's state lives in the URL fragment so a link restores it. */
(function () {
  "use strict";

  var ID_NS = "https://partnergraph.org/id/";
  var COLOURS = { region: "#2457c5", organization: "#d9822b", program: "#1e7a46", course: "#6aa84f",
    event: "#a03ca0", person: "#b3261e" };
  var SHAPES = { region: "circle", organization: "square", program: "ring", course: "ring", event: "ring",
    person: "ring" };
  var GROUP_NAMES = { region: "places", organization: "organisations", program: "programs", course: "courses",
    event: "events", person: "people" };
  var RELATION_NAMES = { agreement: "agreements", partnership: "partnerships", "located-in": "located in",
    "part-of": "part of", "head-of": "head of", program: "program links", event: "event links" };
  var TIE_RELATIONS = { agreement: true, partnership: true };
  var PALETTE = ["#2457c5", "#d9822b", "#1e7a46", "#a03ca0", "#b3261e", "#00838f", "#8d6e63", "#5c6bc0",
    "#c0ca33", "#f06292", "#6d4c41", "#26a69a"];

  var $ = function (id) { return document.getElementById(id); };
  var graph = new PG.Graph({ multi: false, type: "undirected" });
  var renderer = null;
  var facets = null;
  var visibleNodes = new Set();
  var visibleEdges = new Set();
  var pathNodes = new Set();
  var pathEdges = new Set();
  var scores = {};
  var communities = {};
  var state = { focus: "", expand: [], sel: "", from: "", to: "", k: 3, onlyTies: false, avoidLocated: true,
    hideGroups: [], hideRelations: [], kind: "", country: "", field: "", y0: null, y1: null, size: "degree",
    colour: "group" };
  var pending = 0;

  // -- helpers -------------------------------------------------------------------------------------------

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function pagePath(iri) {
    return iri && iri.indexOf(ID_NS) === 0 ? "/id/" + iri.slice(ID_NS.length) : "/?q=" + encodeURIComponent(iri);
  }

  function link(iri, text) {
    var a = el("a", text || iri);
    a.href = pagePath(iri);
    return a;
  }

  function busy(delta) {
    pending += delta;
    document.body.classList.toggle("busy", pending > 0);
    document.body.dataset.pending = String(pending);
  }

  function api(url, body) {
    busy(1);
    var opts = body ? { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) } : {};
    return fetch(url, opts).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          var error = new Error(data.error || response.statusText);
          error.data = data;
          throw error;
        }
        return data;
      });
    }).finally(function () {
      // Counted down after the callers' own continuations (microtasks) have run: "0" means the view is settled.
      setTimeout(function () { busy(-1); }, 0);
    });
  }

  function note(text) {
    var box = $("stage-note");
    box.textContent = text || "";
    box.hidden = !text;
  }

  function countryLabel(iri) {
    if (!iri || !facets) return "";
    for (var i = 0; i < facets.countries.length; i++) if (facets.countries[i].id === iri) return facets.countries[i].label;
    return iri.split("/").pop().toUpperCase();
  }

  // -- URL state -----------------------------------------------------------------------------------------

  function readHash() {
    var p = new URLSearchParams(location.hash.slice(1));
    var list = function (name) { return (p.get(name) || "").split("|").filter(Boolean); };
    state.focus = p.get("focus") || "";
    state.expand = list("expand");
    state.sel = p.get("sel") || "";
    state.from = p.get("from") || "";
    state.to = p.get("to") || "";
    state.k = parseInt(p.get("k") || "3", 10) || 3;
    state.onlyTies = p.get("ot") === "1";
    state.avoidLocated = p.get("al") !== "0";
    state.hideGroups = list("hide");
    state.hideRelations = list("hiderel");
    state.kind = p.get("kind") || "";
    state.country = p.get("country") || "";
    state.field = p.get("field") || "";
    state.y0 = p.get("y0") ? parseInt(p.get("y0"), 10) : null;
    state.y1 = p.get("y1") ? parseInt(p.get("y1"), 10) : null;
    state.size = p.get("size") || "degree";
    state.colour = p.get("colour") || "group";
    var q = new URLSearchParams(location.search).get("q");
    if (q && !state.focus) $("search").value = q;
  }

  function writeHash() {
    var p = new URLSearchParams();
    var put = function (name, value) { if (value !== "" && value !== null && value !== undefined) p.set(name, value); };
    put("focus", state.focus);
    if (state.expand.length) p.set("expand", state.expand.join("|"));
    put("sel", state.sel);
    if (state.from && state.to) {
      p.set("from", state.from);
      p.set("to", state.to);
      p.set("k", String(state.k));
      if (state.onlyTies) p.set("ot", "1");
      if (!state.avoidLocated) p.set("al", "0");
    }
    if (state.hideGroups.length) p.set("hide", state.hideGroups.join("|"));
    if (state.hideRelations.length) p.set("hiderel", state.hideRelations.join("|"));
    put("kind", state.kind);
    put("country", state.country);
    put("field", state.field);
    put("y0", state.y0);
    put("y1", state.y1);
    if (state.size !== "degree") p.set("size", state.size);
    if (state.colour !== "group") p.set("colour", state.colour);
    var hash = p.toString();
    history.replaceState(null, "", location.pathname + (hash ? "#" + hash : ""));
  }

  // -- the graph -----------------------------------------------------------------------------------------

  function addNode(n, x, y) {
    var attrs = {
      label: n.label, etype: n.type, group: n.group, country: n.country, degree: n.degree || 0,
      type: SHAPES[n.group] || "circle",
      x: typeof n.x === "number" ? n.x : x, y: typeof n.y === "number" ? n.y : y,
    };
    if (graph.hasNode(n.id)) {
      graph.mergeNodeAttributes(n.id, { label: attrs.label, etype: attrs.etype, group: attrs.group,
        country: attrs.country, degree: attrs.degree, type: attrs.type });
    } else {
      graph.addNode(n.id, attrs);
    }
  }

  function addEdge(e) {
    var attrs = { relations: e.relations, ties: e.ties, links: e.links, label: e.label, size: 1 };
    if (graph.hasEdge(e.source, e.target)) graph.mergeEdgeAttributes(e.source, e.target, attrs);
    else if (graph.hasNode(e.source) && graph.hasNode(e.target)) graph.addEdgeWithKey(e.id, e.source, e.target, attrs);
  }

  function load(data, anchor) {
    var ax = 0, ay = 0;
    if (anchor && graph.hasNode(anchor)) {
      ax = graph.getNodeAttribute(anchor, "x");
      ay = graph.getNodeAttribute(anchor, "y");
    }
    var fresh = data.nodes.filter(function (n) { return !graph.hasNode(n.id); });
    var spread = Math.max(1, Math.sqrt(graph.order || 1)) * 0.6;
    fresh.forEach(function (n, i) {
      var angle = (2 * Math.PI * i) / Math.max(1, fresh.length);
      addNode(n, ax + spread * Math.cos(angle) * (1 + (i % 3) * 0.2), ay + spread * Math.sin(angle) * (1 + (i % 3) * 0.2));
    });
    data.nodes.forEach(function (n) { if (fresh.indexOf(n) < 0) addNode(n); });
    data.edges.forEach(addEdge);
    return fresh.length;
  }

  function relax(iterations) {
    if (graph.order < 2 || graph.order > 1500) return;
    var settings = PG.forceAtlas2.inferSettings(graph);
    settings.barnesHutOptimize = graph.order > 300;
    PG.forceAtlas2.assign(graph, { iterations: iterations || 100, settings: settings });
  }

  function allEdgesFor(ids) {
    return api("/api/subgraph", { ids: ids }).then(function (data) { data.edges.forEach(addEdge); });
  }

  function showOverview() {
    graph.clear();
    return api("/api/graph?limit=2000").then(function (data) {
      load(data);
      if (graph.order <= 600) relax(150);
      note(data.truncated ? "Showing the " + data.nodes.length + " best connected of " + data.total.nodes +
        " entities: search or expand to see more." : "");
      return afterChange("reset");
    });
  }

  function focusOn(id, keepExpand) {
    state.focus = id;
    if (!keepExpand) state.expand = [];
    graph.clear();
    return api("/api/neighbourhood?hops=1&limit=" + encodeURIComponent($("expand-limit").value || 50) +
      "&id=" + encodeURIComponent(id)).then(function (data) {
      addNode(data.center, 0, 0);
      load(data, id);
      relax(150);
      note(data.truncated ? "Showing " + (data.nodes.length - 1) + " of " + data.partners + " neighbours: raise the limit and expand." : "");
      return afterChange("reset").then(function () { return data; });
    });
  }

  function expand(id, record) {
    var limit = $("expand-limit").value || 50;
    return api("/api/neighbourhood?hops=1&limit=" + encodeURIComponent(limit) + "&id=" + encodeURIComponent(id))
      .then(function (data) {
        if (!graph.hasNode(id)) addNode(data.center, 0, 0);
        var added = load(data, id);
        if (record !== false && state.expand.indexOf(id) < 0) state.expand.push(id);
        return allEdgesFor(graph.nodes()).then(function () {
          if (added) relax(60);
          note(data.truncated ? "Added " + added + " neighbours (limit " + limit + " of " + data.partners + ")." : "");
          afterChange(true);
          return data;
        });
      });
  }

  // -- filters -------------------------------------------------------------------------------------------

  function yearBounds() { return facets && facets.years ? facets.years : null; }

  function yearActive() {
    var b = yearBounds();
    return !!b && ((state.y0 !== null && state.y0 > b[0]) || (state.y1 !== null && state.y1 < b[1]));
  }

  function tieOk(t) {
    if (state.hideRelations.indexOf(t.relation) >= 0) return false;
    if (state.kind && t.kind !== state.kind) return false;
    if (state.field && (t.fields || []).indexOf(state.field) < 0) return false;
    if (yearActive()) {
      if (t.year === null || t.year === undefined) return false;
      if (state.y0 !== null && t.year < state.y0) return false;
      if (state.y1 !== null && t.year > state.y1) return false;
    }
    return true;
  }

  function edgeFiltersActive() {
    return !!(state.kind || state.field || state.country || yearActive() || state.hideRelations.length);
  }

  function computeVisibility() {
    visibleNodes = new Set();
    visibleEdges = new Set();
    var typeOk = function (n) { return state.hideGroups.indexOf(graph.getNodeAttribute(n, "group")) < 0; };
    var linkOnly = !!(state.kind || state.field || yearActive());
    graph.forEachEdge(function (edge, attrs, s, t) {
      if (!typeOk(s) || !typeOk(t)) return;
      var ok = (attrs.ties || []).some(tieOk);
      if (!ok && !linkOnly) {
        ok = (attrs.relations || []).some(function (r) {
          return !TIE_RELATIONS[r] && state.hideRelations.indexOf(r) < 0;
        });
      }
      if (ok && state.country) {
        ok = graph.getNodeAttribute(s, "country") === state.country || graph.getNodeAttribute(t, "country") === state.country;
      }
      if (ok) visibleEdges.add(edge);
    });
    var active = edgeFiltersActive();
    var degree = {};
    visibleEdges.forEach(function (edge) {
      degree[graph.source(edge)] = 1;
      degree[graph.target(edge)] = 1;
    });
    graph.forEachNode(function (n) {
      if (n === state.sel || n === state.focus || pathNodes.has(n)) { visibleNodes.add(n); return; }
      if (!typeOk(n)) return;
      if (active && !degree[n]) return;
      visibleNodes.add(n);
    });
    visibleEdges.forEach(function (edge) {
      if (!visibleNodes.has(graph.source(edge)) || !visibleNodes.has(graph.target(edge))) visibleEdges.delete(edge);
    });
    var ties = new Set();
    visibleEdges.forEach(function (edge) {
      (graph.getEdgeAttribute(edge, "ties") || []).forEach(function (t) { if (tieOk(t)) ties.add(t.id); });
    });
    $("counts").textContent = visibleNodes.size + " entities · " + ties.size + " ties · " + visibleEdges.size +
      " links shown" + (visibleNodes.size < graph.order ? " (" + graph.order + " loaded)" : "");
    $("counts").dataset.nodes = String(visibleNodes.size);
    $("counts").dataset.edges = String(visibleEdges.size);
    $("counts").dataset.ties = String(ties.size);
  }

  function applySizes() {
    var max = 1;
    graph.forEachNode(function (n, a) {
      var v = state.size === "degree" ? a.degree : (scores[n] || 0);
      if (v > max) max = v;
    });
    graph.forEachNode(function (n, a) {
      var v = state.size === "degree" ? a.degree : (scores[n] || 0);
      var colour = state.colour === "community" && communities[n] !== undefined && communities[n] >= 0
        ? PALETTE[communities[n] % PALETTE.length] : (COLOURS[a.group] || "#777777");
      graph.mergeNodeAttributes(n, { size: 3 + 12 * Math.sqrt(v / max), color: colour });
    });
  }

  function fetchScores() {
    var ids = graph.nodes();
    var jobs = [];
    if (state.size !== "degree" && ids.length) {
      jobs.push(api("/api/scores", { measure: state.size, ids: ids }).then(function (d) { scores = d.scores; }));
    }
    if (state.colour === "community" && ids.length) {
      jobs.push(api("/api/scores", { measure: "community", ids: ids }).then(function (d) { communities = d.scores; }));
    }
    return Promise.all(jobs);
  }

  function afterChange(graphChanged) {
    var go = function () {
      applySizes();
      computeVisibility();
      if (renderer) {
        renderer.setSetting("renderEdgeLabels", visibleEdges.size <= 250);
        if (graphChanged === "reset") renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
        renderer.refresh();
      }
      writeHash();
    };
    if (graphChanged && (state.size !== "degree" || state.colour === "community")) return fetchScores().then(go);
    go();
    return Promise.resolve();
  }

  // -- the side panel ------------------------------------------------------------------------------------

  function select(id) {
    state.sel = id;
    writeHash();
    if (renderer) renderer.refresh();
    return api("/api/entity?id=" + encodeURIComponent(id)).then(showEntity);
  }

  function showEntity(entity) {
    $("panel-empty").hidden = true;
    $("panel-entity").hidden = false;
    $("sel-label").textContent = entity.label;
    $("sel-type").textContent = entity.type || "entity";
    $("sel-type").dataset.group = entity.group || "";
    $("sel-country").textContent = countryLabel(entity.country);
    $("sel-page").href = pagePath(entity.id);
    $("btn-expand").disabled = !entity.degree;
    $("btn-focus").disabled = !entity.degree;
    var facts = $("sel-facts");
    facts.textContent = "";
    var dl = el("dl", null, "facts");
    var wanted = { "rdfs:label": 0, "skos:altLabel": 1, "skos:hiddenLabel": 1, "kp:locatedIn": 1, "kp:country": 1,
      "kp:isoCode": 1, "kp:organizer": 1, "kp:funder": 1, "kp:beneficiary": 1, "kp:participantOrigin": 1,
      "schema:startDate": 1, "schema:endDate": 1, "kp:traineeCount": 1, "kp:field": 1, "org:unitOf": 1,
      "org:subOrganizationOf": 1 };
    entity.facts.forEach(function (fact) {
      if (!wanted[fact.label]) return;
      dl.appendChild(el("dt", fact.label.split(":")[1]));
      var dd = el("dd");
      fact.values.forEach(function (v, i) {
        if (i) dd.appendChild(document.createTextNode("; "));
        dd.appendChild(v.iri ? link(v.value, v.label || v.value) : document.createTextNode(v.value));
      });
      dl.appendChild(dd);
    });
    facts.appendChild(dl);
    (entity.evidence || []).forEach(function (ev) {
      if (!ev.quote) return;
      facts.appendChild(el("blockquote", ev.quote, "quote"));
      var cite = el("p", "— ", "muted cite");
      cite.appendChild(link(ev.source, ev.title || ev.source));
      facts.appendChild(cite);
    });
    $("sel-ties-title").textContent = "Ties (" + entity.ties.length + ")";
    var list = $("sel-ties");
    list.textContent = "";
    entity.ties.forEach(function (tie) { list.appendChild(tieItem(tie, entity.id)); });
    if (!entity.ties.length) list.appendChild(el("li", "No agreement or partnership names it as a party.", "muted"));
  }

  function tieItem(tie, self, noParties) {
    var li = el("li", null, "tie");
    var head = el("div");
    head.appendChild(link(tie.id, tie.label));
    var meta = [tie.kindLabel, tie.date].filter(Boolean).join(" · ");
    if (meta) head.appendChild(el("span", " " + meta, "muted"));
    li.appendChild(head);
    var others = (tie.parties || []).filter(function (p) { return p.id !== self; });
    if (others.length && !noParties) {
      var with_ = el("div", "with ", "muted");
      others.forEach(function (p, i) {
        if (i) with_.appendChild(document.createTextNode(", "));
        var a = link(p.id, p.label);
        a.addEventListener("click", function (ev) {
          if (graph.hasNode(p.id)) { ev.preventDefault(); select(p.id); }
        });
        with_.appendChild(a);
      });
      li.appendChild(with_);
    }
    (tie.sources || []).forEach(function (s) {
      if (s.quote) li.appendChild(el("blockquote", s.quote, "quote"));
      var cite = el("div", "source: ", "muted cite");
      cite.appendChild(link(s.source, s.title || s.source));
      li.appendChild(cite);
    });
    return li;
  }

  // -- paths ---------------------------------------------------------------------------------------------

  function findPaths() {
    var from = $("path-from").dataset.id || $("path-from").value.trim();
    var to = $("path-to").dataset.id || $("path-to").value.trim();
    if (!from || !to) { $("path-status").textContent = "Choose two entities."; return Promise.resolve(); }
    state.from = from;
    state.to = to;
    state.k = Math.max(1, Math.min(10, parseInt($("path-k").value, 10) || 3));
    state.onlyTies = $("path-only-ties").checked;
    state.avoidLocated = $("path-avoid-located").checked;
    var url = "/api/paths?from=" + encodeURIComponent(from) + "&to=" + encodeURIComponent(to) + "&k=" + state.k;
    if (state.onlyTies) url += "&only=tie";
    else if (state.avoidLocated) url += "&avoid=located-in";
    $("path-status").textContent = "Searching…";
    return api(url).then(function (data) {
      pathNodes = new Set();
      pathEdges = new Set();
      var ids = [];
      data.paths.forEach(function (hops) {
        hops.forEach(function (h) { ids.push(h.from.id, h.to.id); });
      });
      $("path-from").value = data.from.label;
      $("path-from").dataset.id = data.from.id;
      $("path-to").value = data.to.label;
      $("path-to").dataset.id = data.to.id;
      state.from = data.from.id;
      state.to = data.to.id;
      var missing = ids.filter(function (id) { return !graph.hasNode(id); });
      var place = function () {
        data.paths.forEach(function (hops, pi) {
          hops.forEach(function (h, hi) {
            [h.from, h.to].forEach(function (n) {
              if (!graph.hasNode(n.id)) {
                addNode(n, (hi + 1) * 2 + Math.random(), pi * 2 - data.paths.length + Math.random());
              }
              pathNodes.add(n.id);
            });
          });
        });
      };
      place();
      return allEdgesFor(graph.nodes()).then(function () {
        data.paths.forEach(function (hops) {
          hops.forEach(function (h) {
            var edge = graph.edge(h.from.id, h.to.id);
            if (edge) pathEdges.add(edge);
          });
        });
        if (missing.length) relax(60);
        $("path-status").textContent = data.paths.length ? data.paths.length + " path" + (data.paths.length > 1 ? "s" : "") +
          " found." : "No path between them with these options.";
        showPaths(data);
        afterChange(true);
      });
    }).catch(function (error) {
      $("path-status").textContent = error.message;
    });
  }

  function showPaths(data) {
    $("paths").hidden = false;
    var list = $("path-list");
    list.textContent = "";
    data.paths.forEach(function (hops) {
      var li = el("li", null, "path");
      li.appendChild(el("div", hops.length + " hop" + (hops.length > 1 ? "s" : ""), "muted"));
      var ol = el("ol", null, "hops");
      hops.forEach(function (h) {
        var hop = el("li", null, "hop");
        var line = el("div");
        line.appendChild(link(h.from.id, h.from.label));
        line.appendChild(document.createTextNode(" — "));
        line.appendChild(link(h.to.id, h.to.label));
        hop.appendChild(line);
        var tieList = el("ul", null, "ties");
        h.ties.forEach(function (t) { tieList.appendChild(tieItem(t, null, true)); });
        if (h.ties.length) hop.appendChild(tieList);
        h.links.forEach(function (x) {
          var l = el("div", null, "link");
          l.appendChild(link(x.subject.id, x.subject.label));
          l.appendChild(el("span", " " + x.role + " ", "muted"));
          l.appendChild(link(x.object.id, x.object.label));
          (x.sources || []).forEach(function (s) { if (s.quote) l.appendChild(el("blockquote", s.quote, "quote")); });
          hop.appendChild(l);
        });
        ol.appendChild(hop);
      });
      li.appendChild(ol);
      list.appendChild(li);
    });
    if (!data.paths.length) list.appendChild(el("li", "No path.", "muted"));
  }

  // -- autocompletion ------------------------------------------------------------------------------------

  function autocomplete(input, list, onPick) {
    var items = [];
    var active = -1;
    var timer = null;
    var seq = 0;
    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
    function render() {
      list.textContent = "";
      items.forEach(function (item, i) {
        var li = el("li", null, i === active ? "active" : "");
        li.setAttribute("role", "option");
        li.appendChild(el("span", item.label, "ac-label"));
        var extra = [item.type, countryLabel(item.country)].filter(Boolean).join(" · ");
        if (item.matched && item.matched !== item.label) extra = "“" + item.matched + "” " + extra;
        li.appendChild(el("span", extra, "muted"));
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(i); });
        list.appendChild(li);
      });
      list.hidden = !items.length;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
    }
    function pick(i) {
      var item = items[i];
      if (!item) return;
      input.value = item.label;
      input.dataset.id = item.id;
      close();
      onPick(item);
    }
    input.addEventListener("input", function () {
      delete input.dataset.id;
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) { items = []; close(); return; }
      timer = setTimeout(function () {
        var mine = ++seq;
        api("/api/search?limit=10&q=" + encodeURIComponent(q)).then(function (data) {
          if (mine !== seq) return;
          items = data.results;
          active = items.length ? 0 : -1;
          render();
        });
      }, 120);
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown") { active = Math.min(items.length - 1, active + 1); render(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp") { active = Math.max(0, active - 1); render(); ev.preventDefault(); }
      else if (ev.key === "Enter") { if (!list.hidden && active >= 0) { pick(active); ev.preventDefault(); } }
      else if (ev.key === "Escape") close();
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  // -- controls ------------------------------------------------------------------------------------------

  function checkbox(container, value, text, checked, onChange) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.value = value;
    box.checked = checked;
    box.addEventListener("change", onChange);
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + text));
    container.appendChild(label);
  }

  function option(select, value, text) {
    var o = el("option", text);
    o.value = value;
    select.appendChild(o);
  }

  function buildControls() {
    var groups = $("f-groups");
    Object.keys(facets.groups).forEach(function (g) {
      checkbox(groups, g, (GROUP_NAMES[g] || g) + " (" + facets.groups[g] + ")", state.hideGroups.indexOf(g) < 0, function (ev) {
        toggle(state.hideGroups, g, !ev.target.checked);
      });
    });
    var rels = $("f-relations");
    facets.relations.forEach(function (r) {
      checkbox(rels, r.id, (RELATION_NAMES[r.id] || r.id) + " (" + r.count + ")", state.hideRelations.indexOf(r.id) < 0, function (ev) {
        toggle(state.hideRelations, r.id, !ev.target.checked);
      });
    });
    facets.kinds.forEach(function (k) { option($("f-kind"), k.id, k.label + " (" + k.count + ")"); });
    facets.countries.forEach(function (c) { option($("f-country"), c.id, c.label + " (" + c.count + ")"); });
    facets.fields.forEach(function (f) { option($("f-field"), f.id, f.label + " (" + f.count + ")"); });
    $("f-kind").value = state.kind;
    $("f-country").value = state.country;
    $("f-field").value = state.field;
    [["f-kind", "kind"], ["f-country", "country"], ["f-field", "field"]].forEach(function (pair) {
      $(pair[0]).addEventListener("change", function (ev) { state[pair[1]] = ev.target.value; afterChange(false); });
    });
    var b = yearBounds();
    [$("f-year-from"), $("f-year-to")].forEach(function (input, i) {
      if (!b) { input.disabled = true; return; }
      input.min = b[0];
      input.max = b[1];
      input.value = i === 0 ? (state.y0 !== null ? state.y0 : b[0]) : (state.y1 !== null ? state.y1 : b[1]);
      input.addEventListener("input", onYears);
    });
    yearLabel();
    var legend = $("legend");
    Object.keys(facets.groups).forEach(function (g) {
      var item = el("span", null, "legend-item");
      var mark = el("i", null, "mark " + (SHAPES[g] || "circle"));
      mark.style.setProperty("--c", COLOURS[g] || "#777");
      item.appendChild(mark);
      item.appendChild(document.createTextNode(GROUP_NAMES[g] || g));
      legend.appendChild(item);
    });
    legend.appendChild(el("span", "size: " + $("size-by").selectedOptions[0].textContent, "muted legend-size"));
    $("size-by").value = state.size;
    $("colour-by").value = state.colour;
    explainMeasure();
  }

  function toggle(list, value, on) {
    var i = list.indexOf(value);
    if (on && i < 0) list.push(value);
    if (!on && i >= 0) list.splice(i, 1);
    afterChange(false);
  }

  function onYears() {
    var a = parseInt($("f-year-from").value, 10), b = parseInt($("f-year-to").value, 10);
    if (a > b) { var t = a; a = b; b = t; }
    var bounds = yearBounds();
    state.y0 = a > bounds[0] ? a : null;
    state.y1 = b < bounds[1] ? b : null;
    yearLabel();
    afterChange(false);
  }

  function yearLabel() {
    var b = yearBounds();
    $("year-label").textContent = b ? (state.y0 !== null ? state.y0 : b[0]) + "–" + (state.y1 !== null ? state.y1 : b[1]) +
      (yearActive() ? " (undated ties hidden)" : "") : "(no dated ties)";
  }

  function explainMeasure() {
    var m = facets.measures[state.size];
    $("measure-help").textContent = m ? m.label + ": " + m.explanation : "";
    var legendSize = document.querySelector(".legend-size");
    if (legendSize) legendSize.textContent = "size: " + (m ? m.label : state.size);
    api("/api/rankings?limit=10&measure=" + encodeURIComponent(state.size)).then(function (data) {
      var list = $("ranking");
      list.textContent = "";
      data.results.forEach(function (r) {
        var li = el("li");
        var a = el("a", r.label);
        a.href = pagePath(r.id);
        a.addEventListener("click", function (ev) { ev.preventDefault(); goTo(r.id); });
        li.appendChild(a);
        li.appendChild(el("span", " " + (typeof r.score === "number" && r.score % 1 ? r.score.toFixed(4) : r.score), "muted"));
        list.appendChild(li);
      });
    });
  }

  function overviewText() {
    var box = $("overview-text");
    box.textContent = "";
    box.appendChild(el("p", facets.nodes + " entities and " + facets.ties + " ties" +
      (facets.years ? ", dated " + facets.years[0] + "–" + facets.years[1] : "") + "."));
    box.appendChild(el("p", "Discs are places, squares organisations, rings programs and events; a node's size is its " +
      "number of partners. Edge labels give the kind of tie and its year.", "muted"));
  }

  function goTo(id) {
    var task = graph.hasNode(id) ? Promise.resolve() : focusOn(id);
    return task.then(function () { return select(id); });
  }

  function restore() {
    var chain = state.focus ? focusOn(state.focus, true) : showOverview();
    return chain.then(function () {
      return state.expand.reduce(function (p, id) { return p.then(function () { return expand(id, false); }); }, Promise.resolve());
    }).then(function () {
      if (state.from && state.to) {
        $("path-from").value = state.from;
        $("path-to").value = state.to;
        $("path-k").value = state.k;
        $("path-only-ties").checked = state.onlyTies;
        $("path-avoid-located").checked = state.avoidLocated;
        return findPaths();
      }
    }).then(function () {
      if (state.sel) return select(state.sel);
    });
  }

  function download(fmt) {
    var ids = Array.from(visibleNodes);
    var positions = {};
    ids.forEach(function (id) { positions[id] = [graph.getNodeAttribute(id, "x"), graph.getNodeAttribute(id, "y")]; });
    var title = state.focus && graph.hasNode(state.focus) ? "Partnergraph: around " + graph.getNodeAttribute(state.focus, "label") : "Partnergraph view";
    busy(1);
    return fetch("/api/export", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ format: fmt, ids: ids, positions: positions, title: title }) })
      .then(function (r) { return r.blob(); })
      .then(function (blob) {
        var a = el("a");
        a.href = URL.createObjectURL(blob);
        a.download = "partnergraph-view." + fmt;
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      }).finally(function () { busy(-1); });
  }

  function wire() {
    autocomplete($("search"), $("search-list"), function (item) { goTo(item.id); });
    var fromBox = $("path-from"), toBox = $("path-to");
    autocomplete(fromBox, fromBox.nextElementSibling, function () {});
    autocomplete(toBox, toBox.nextElementSibling, function () {});
    $("btn-path").addEventListener("click", findPaths);
    $("btn-overview").addEventListener("click", function () {
      state.focus = ""; state.expand = []; pathNodes = new Set(); pathEdges = new Set();
      $("paths").hidden = true;
      showOverview();
    });
    $("btn-share").addEventListener("click", function () {
      writeHash();
      var box = $("share-url");
      box.value = location.href;
      box.hidden = false;
      box.select();
      if (navigator.clipboard) navigator.clipboard.writeText(location.href).catch(function () {});
    });
    $("download").addEventListener("change", function (ev) {
      var fmt = ev.target.value;
      ev.target.value = "";
      if (fmt) download(fmt);
    });
    $("btn-clear").addEventListener("click", function () {
      state.hideGroups = []; state.hideRelations = []; state.kind = ""; state.country = ""; state.field = "";
      state.y0 = null; state.y1 = null;
      document.querySelectorAll("#f-groups input, #f-relations input").forEach(function (b) { b.checked = true; });
      $("f-kind").value = ""; $("f-country").value = ""; $("f-field").value = "";
      var b = yearBounds();
      if (b) { $("f-year-from").value = b[0]; $("f-year-to").value = b[1]; }
      yearLabel();
      afterChange(false);
    });
    $("btn-expand").addEventListener("click", function () { if (state.sel) expand(state.sel); });
    $("btn-focus").addEventListener("click", function () { if (state.sel) focusOn(state.sel).then(function () { select(state.sel); }); });
    $("btn-path-from").addEventListener("click", function () {
      fromBox.value = $("sel-label").textContent; fromBox.dataset.id = state.sel; toBox.focus();
    });
    $("btn-path-to").addEventListener("click", function () {
      toBox.value = $("sel-label").textContent; toBox.dataset.id = state.sel;
    });
    $("size-by").addEventListener("change", function (ev) {
      state.size = ev.target.value; explainMeasure(); afterChange(true);
    });
    $("colour-by").addEventListener("change", function (ev) { state.colour = ev.target.value; afterChange(true); });
  }

  function startRenderer() {
    var container = $("graph");
    renderer = new PG.Sigma(graph, container, {
      nodeProgramClasses: { circle: PG.programs.NodeCircleProgram, square: PG.programs.NodeSquareProgram,
        ring: PG.programs.NodeRingProgram },
      defaultNodeType: "circle",
      renderEdgeLabels: true,
      labelRenderedSizeThreshold: 7,
      edgeLabelSize: 11,
      defaultEdgeColor: "#c3cad6",
      zIndex: true,
      nodeReducer: function (node, data) {
        var res = Object.assign({}, data);
        if (!visibleNodes.has(node)) { res.hidden = true; return res; }
        if (pathNodes.size) {
          if (pathNodes.has(node)) { res.forceLabel = true; res.zIndex = 2; }
          else { res.color = "#d5dae3"; res.label = ""; }
        }
        if (node === state.sel) { res.highlighted = true; res.forceLabel = true; res.zIndex = 3; }
        return res;
      },
      edgeReducer: function (edge, data) {
        var res = Object.assign({}, data);
        if (!visibleEdges.has(edge)) { res.hidden = true; return res; }
        if (pathEdges.size) {
          if (pathEdges.has(edge)) { res.color = "#e0245e"; res.size = 3; res.forceLabel = true; res.zIndex = 2; }
          else { res.color = "#eceff3"; res.label = ""; }
        }
        return res;
      },
    });
    renderer.on("clickNode", function (ev) { select(ev.node); });
    renderer.on("enterNode", function () { container.style.cursor = "pointer"; });
    renderer.on("leaveNode", function () { container.style.cursor = ""; });
  }

  readHash();
  wire();
  startRenderer();
  api("/api/facets").then(function (data) {
    facets = data;
    buildControls();
    overviewText();
    return restore();
  }).then(function () {
    document.body.dataset.ready = "1";
  }).catch(function (error) {
    note(error.message);
    document.body.dataset.ready = "1";
  });

  // For tests and power users: the graph, the renderer and a few actions.
  window.explorer = { graph: graph, renderer: function () { return renderer; }, select: select, expand: expand,
    focusOn: focusOn, findPaths: findPaths, state: state, visibleNodes: function () { return visibleNodes; } };
})();
