/* Partnergraph network explorer: sigma.js (WebGL) over a graphology graph, fed by /api/.
 * Every text from the data is put on the page with textContent (never innerHTML); labels on the network are drawn
 * on a canvas, placed so that none covers another. The view's state lives in the URL's query string: each step of
 * the exploration is a history entry (Back and Forward step through it) and a link restores it. */
(function () {
  "use strict";

  var X = window.PGX;
  var el = X.el;
  var ID_NS = X.ID_NS;
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
    "#9e9d24", "#d81b60", "#6d4c41", "#26a69a"];
  var OTHER_COMMUNITY = "#9aa3b2";

  var $ = function (id) { return document.getElementById(id); };
  var graph = new PG.Graph({ multi: false, type: "undirected" });
  var layout = X.layout.create(graph, $("graph").dataset.worker, $("layout-status"));
  var relax = layout.relax;
  var renderer = null;
  var facets = null;
  var timeline = null;
  var spans = {};
  var visibleNodes = new Set();
  var visibleEdges = new Set();
  var visibleTies = new Set();
  var pathNodes = new Set();
  var pathEdges = new Set();
  var activePath = -1;
  var pathData = null;
  var neighbours = new Set();
  var scores = {};
  var scoresFor = "degree";
  var communities = {};
  var communityList = null;
  var state = defaults();

  function defaults() {
    return { focus: "", expand: [], sel: "", from: "", to: "", k: 3, onlyTies: false, avoidLocated: true,
      hideGroups: [], hideRelations: [], kind: "", country: "", field: "", y0: null, y1: null, size: "degree",
      colour: "group" };
  }

  function countryLabel(iri) {
    if (!iri || !facets) return "";
    for (var i = 0; i < facets.countries.length; i++) if (facets.countries[i].id === iri) return facets.countries[i].label;
    return iri.split("/").pop().toUpperCase();
  }

  function label(id) { return graph.hasNode(id) ? graph.getNodeAttribute(id, "label") : id; }

  function note(text, empty) {
    var box = $("stage-note");
    box.textContent = "";
    if (text && typeof text === "object") box.appendChild(text);
    else box.textContent = text || "";
    box.hidden = !text;
    box.classList.toggle("empty", !!empty);
  }

  // -- the URL: query-string parameters shared with the map (/map) ---------------------------------------

  function countryParam(iri) {
    var m = /^https:\/\/partnergraph\.org\/id\/region\/([a-z]{2})$/.exec(iri || "");
    return m ? m[1] : iri;
  }

  function countryFromParam(value) {
    if (!value) return "";
    return /^[A-Za-z]{2}$/.test(value) ? ID_NS + "region/" + value.toLowerCase() : value;
  }

  function readUrl() {
    var p = new URLSearchParams(location.search);
    var legacy = new URLSearchParams(location.hash.slice(1));
    if (!location.search && location.hash.length > 1) p = legacy;  // links made before the state moved to the query
    var list = function (name, sep) { return (p.get(name) || "").split(sep || "|").filter(Boolean); };
    var s = defaults();
    s.focus = p.get("focus") || "";
    s.expand = list("expand");
    s.sel = p.get("sel") || "";
    s.from = p.get("from") || "";
    s.to = p.get("to") || "";
    s.k = Math.max(1, Math.min(10, parseInt(p.get("k") || "3", 10) || 3));
    s.onlyTies = p.get("ot") === "1";
    s.avoidLocated = p.get("al") !== "0";
    if (p.get("type") && facets) {
      var shown = list("type", ",");
      s.hideGroups = Object.keys(facets.groups).filter(function (g) { return shown.indexOf(g) < 0; });
    } else {
      s.hideGroups = list("hide");
    }
    s.hideRelations = list("hiderel");
    s.kind = p.get("kind") || "";
    s.country = countryFromParam(p.get("country"));
    s.field = p.get("field") || "";
    var year = function (a, b) { var v = parseInt(p.get(a) || p.get(b) || "", 10); return isNaN(v) ? null : v; };
    s.y0 = year("from_year", "y0");
    s.y1 = year("to_year", "y1");
    s.size = p.get("size") || "degree";
    s.colour = p.get("colour") || "group";
    return s;
  }

  function urlParams() {
    var p = new URLSearchParams();
    var put = function (name, value) { if (value !== "" && value !== null && value !== undefined) p.set(name, value); };
    put("focus", state.focus);
    if (state.expand.length) p.set("expand", state.expand.join("|"));
    put("sel", state.sel);
    if (state.from && state.to) {
      p.set("from", state.from);
      p.set("to", state.to);
      if (state.k !== 3) p.set("k", String(state.k));
      if (state.onlyTies) p.set("ot", "1");
      if (!state.avoidLocated) p.set("al", "0");
    }
    if (state.hideGroups.length && facets) {
      p.set("type", Object.keys(facets.groups).filter(function (g) { return state.hideGroups.indexOf(g) < 0; }).join(","));
    }
    if (state.hideRelations.length) p.set("hiderel", state.hideRelations.join("|"));
    put("kind", state.kind);
    put("country", countryParam(state.country));
    put("field", state.field);
    put("from_year", state.y0);
    put("to_year", state.y1);
    if (state.size !== "degree") p.set("size", state.size);
    if (state.colour !== "group") p.set("colour", state.colour);
    return p;
  }

  /** Record the view in the URL: a new history entry (``push``) for a step of the exploration, else in place. */
  function writeUrl(push) {
    var query = urlParams().toString();
    var url = location.pathname + (query ? "?" + query : "");
    if (url !== location.pathname + location.search || location.hash) {
      if (push && ready) history.pushState({ pg: 1 }, "", url);
      else history.replaceState({ pg: 1 }, "", url);
    }
    // The map (/map) reads the same parameters, with the years as y0/y1.
    var forMap = urlParams();
    if (state.y0 !== null) forMap.set("y0", state.y0);
    if (state.y1 !== null) forMap.set("y1", state.y1);
    forMap.delete("from_year");
    forMap.delete("to_year");
    var mapQuery = forMap.toString();
    if ($("nav-map")) $("nav-map").href = "/map" + (mapQuery ? "?" + mapQuery : "");
  }

  // -- the graph -----------------------------------------------------------------------------------------

  function addNode(n, x, y) {
    var attrs = {
      label: n.label, etype: n.type, group: n.group, country: n.country, degree: n.degree || 0,
      type: SHAPES[n.group] === "square" ? "square" : SHAPES[n.group] || "circle",
      x: typeof n.x === "number" ? n.x : x, y: typeof n.y === "number" ? n.y : y,
    };
    if (graph.hasNode(n.id)) {
      graph.mergeNodeAttributes(n.id, { label: attrs.label, etype: attrs.etype, group: attrs.group,
        country: attrs.country, degree: n.degree || graph.getNodeAttribute(n.id, "degree"), type: attrs.type });
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
      var r = spread * (1 + (i % 3) * 0.2);
      addNode(n, ax + r * Math.cos(angle), ay + r * Math.sin(angle));
    });
    data.nodes.forEach(function (n) { if (fresh.indexOf(n) < 0) addNode(n); });
    data.edges.forEach(addEdge);
    return fresh.length;
  }

  // -- the camera ----------------------------------------------------------------------------------------

  /** Zoom to ``ids`` (all of them in view, with a margin), once the layout has settled. */
  function fitTo(ids) {
    layout.whenSettled(function () {
      if (!renderer) return;
      var xs = [], ys = [];
      ids.forEach(function (id) {
        var d = graph.hasNode(id) && renderer.getNodeDisplayData(id);
        if (d) { xs.push(d.x); ys.push(d.y); }
      });
      if (!xs.length) return;
      var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
      var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
      var dims = renderer.getDimensions();
      var aspect = Math.max(dims.width, dims.height) / Math.max(1, Math.min(dims.width, dims.height));
      var ratio = Math.max(0.06, Math.min(1.2, Math.max(x1 - x0, y1 - y0) * 1.5 * Math.sqrt(aspect)));
      renderer.getCamera().animate({ x: (x0 + x1) / 2, y: (y0 + y1) / 2, ratio: ratio, angle: 0 }, { duration: 400 });
    });
  }

  function resetCamera() {
    layout.whenSettled(null);
    if (renderer) renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
  }

  // -- loading -------------------------------------------------------------------------------------------

  function allEdgesFor(ids) {
    return X.api("/api/subgraph", { ids: ids }).then(function (data) { data.edges.forEach(addEdge); });
  }

  function showOverview() {
    graph.clear();
    neighbours = new Set();
    var slow = setTimeout(function () { note("Loading the overview of the network…"); }, 800);
    return X.api("/api/graph?limit=2000").then(function (data) {
      clearTimeout(slow);
      load(data);
      note(data.truncated ? "Showing the " + data.nodes.length + " best connected of " + data.total.nodes +
        " entities: search or expand to see more." : "");
      applySizes();
      relax(data.nodes.length > 1000 ? 250 : 400);
      resetCamera();
      return afterChange("reset");
    });
  }

  function neighbourhood(id) {
    var limit = Math.max(1, Math.min(500, parseInt($("expand-limit").value, 10) || 50));
    return X.api("/api/neighbourhood?hops=1&limit=" + limit + "&id=" + encodeURIComponent(id)).then(function (data) {
      data.limit = limit;
      return data;
    });
  }

  function focusOn(id, keepExpand) {
    state.focus = id;
    if (!keepExpand) state.expand = [];
    graph.clear();
    return neighbourhood(id).then(function (data) {
      addNode(data.center, 0, 0);
      load(data, id);
      neighbours = new Set(data.nodes.map(function (n) { return n.id; }));
      var shown = data.nodes.length - 1;
      note(data.truncated ? "Showing the " + shown + " best connected of " + label(id) + "'s " + data.partners +
        " neighbours: raise the limit in the panel and press Expand to see more." : "");
      applySizes();
      relax(300, [id]);
      resetCamera();
      return afterChange("reset").then(function () { return data; });
    });
  }

  function expand(id, record) {
    var before = graph.order;
    return neighbourhood(id).then(function (data) {
      if (!graph.hasNode(id)) addNode(data.center, 0, 0);
      var added = load(data, id);
      var got = data.nodes.length - 1;
      if (record !== false && state.expand.indexOf(id) < 0) state.expand.push(id);
      data.nodes.forEach(function (n) { neighbours.add(n.id); });
      return allEdgesFor(graph.nodes()).then(function () {
        if (added) relax(150);
        var msg = "Expanded " + data.center.label + ": " + X.plural(added, "new neighbour") + " drawn";
        if (got - added > 0) msg += ", " + (got - added) + " already drawn";
        msg += ".";
        if (data.truncated) {
          msg += " It has " + data.partners + " neighbours; only the " + data.limit + " best connected were asked for: " +
            "raise the limit to see the rest.";
        }
        if (record !== false) $("expand-status").textContent = msg;
        note(graph.order > before || !data.truncated ? "" : msg);
        afterChange(true);
        return data;
      });
    });
  }

  // -- filters -------------------------------------------------------------------------------------------

  function yearActive(s) { return s.y0 !== null || s.y1 !== null; }

  function yearOk(y, s) {
    if (y === null || y === undefined) return false;
    if (s.y0 !== null && y < s.y0) return false;
    if (s.y1 !== null && y > s.y1) return false;
    return true;
  }

  function spanOk(id, s) {
    var span = spans[id];
    if (!span) return false;
    return (s.y0 === null || span[1] >= s.y0) && (s.y1 === null || span[0] <= s.y1);
  }

  function tieOk(t, s) {
    if (s.hideRelations.indexOf(t.relation) >= 0) return false;
    if (s.kind && t.kind !== s.kind) return false;
    if (s.field && (t.fields || []).indexOf(s.field) < 0) return false;
    if (yearActive(s) && !yearOk(t.year, s)) return false;
    return true;
  }

  function filtersActive(s) {
    return !!(s.kind || s.field || s.country || yearActive(s) || s.hideRelations.length || s.hideGroups.length);
  }

  /** What the filters ``s`` leave of the loaded graph: {nodes, edges, ties} (sets). */
  function visibility(s) {
    var nodes = new Set(), edges = new Set(), ties = new Set();
    var typeOk = function (n) { return s.hideGroups.indexOf(graph.getNodeAttribute(n, "group")) < 0; };
    var tieFilter = !!(s.kind || s.field);
    var edgeActive = !!(s.kind || s.field || s.country || yearActive(s) || s.hideRelations.length);
    graph.forEachEdge(function (edge, attrs, a, b) {
      if (!typeOk(a) || !typeOk(b)) return;
      var ok = (attrs.ties || []).some(function (t) { return tieOk(t, s); });
      if (!ok && !tieFilter) {
        var linkOk = (attrs.relations || []).some(function (r) {
          return !TIE_RELATIONS[r] && s.hideRelations.indexOf(r) < 0;
        });
        // Under a year range, a program's or course's links count when its own dates fall in it.
        ok = linkOk && (!yearActive(s) || spanOk(a, s) || spanOk(b, s));
      }
      if (ok && s.country) {
        ok = graph.getNodeAttribute(a, "country") === s.country || graph.getNodeAttribute(b, "country") === s.country;
      }
      if (ok) edges.add(edge);
    });
    var touched = {};
    edges.forEach(function (edge) { touched[graph.source(edge)] = 1; touched[graph.target(edge)] = 1; });
    graph.forEachNode(function (n) {
      if (n === s.sel || n === s.focus || pathNodes.has(n)) { nodes.add(n); return; }
      if (!typeOk(n)) return;
      if (edgeActive && !touched[n] && !(yearActive(s) && !s.kind && !s.field && !s.country && spanOk(n, s))) return;
      nodes.add(n);
    });
    edges.forEach(function (edge) {
      if (!nodes.has(graph.source(edge)) || !nodes.has(graph.target(edge))) edges.delete(edge);
    });
    edges.forEach(function (edge) {
      (graph.getEdgeAttribute(edge, "ties") || []).forEach(function (t) { if (tieOk(t, s)) ties.add(t.id); });
    });
    return { nodes: nodes, edges: edges, ties: ties };
  }

  var filtered = false;

  function computeVisibility() {
    filtered = filtersActive(state);
    var v = visibility(state);
    visibleNodes = v.nodes;
    visibleEdges = v.edges;
    visibleTies = v.ties;
    var counts = $("counts");
    counts.textContent = X.plural(visibleNodes.size, "entity", "entities") + " · " + X.plural(visibleTies.size, "tie") +
      " · " + X.plural(visibleEdges.size, "link") + " shown" +
      (visibleNodes.size < graph.order ? " (" + graph.order + " loaded)" : "");
    counts.dataset.nodes = String(visibleNodes.size);
    counts.dataset.edges = String(visibleEdges.size);
    counts.dataset.ties = String(visibleTies.size);
  }

  /** The filters that are on, each with a name, a way to drop it, and what would show without it. */
  function activeFilters() {
    var list = [];
    var add = function (name, drop) {
      var s = Object.assign({}, state, { hideGroups: state.hideGroups.slice(), hideRelations: state.hideRelations.slice() });
      drop(s);
      var v = visibility(s);
      list.push({ name: name, drop: drop, nodes: v.nodes.size, ties: v.ties.size, edges: v.edges.size });
    };
    if (yearActive(state)) {
      add("the years " + (state.y0 !== null ? state.y0 : "…") + "–" + (state.y1 !== null ? state.y1 : "…"),
        function (s) { s.y0 = null; s.y1 = null; });
    }
    if (state.kind) add("the kind “" + optionText("f-kind", state.kind) + "”", function (s) { s.kind = ""; });
    if (state.field) add("the field “" + optionText("f-field", state.field) + "”", function (s) { s.field = ""; });
    if (state.country) add("the country " + countryLabel(state.country), function (s) { s.country = ""; });
    if (state.hideGroups.length) {
      add("hidden types (" + state.hideGroups.map(function (g) { return GROUP_NAMES[g] || g; }).join(", ") + ")",
        function (s) { s.hideGroups = []; });
    }
    if (state.hideRelations.length) {
      add("hidden relations (" + state.hideRelations.map(function (r) { return RELATION_NAMES[r] || r; }).join(", ") + ")",
        function (s) { s.hideRelations = []; });
    }
    return list;
  }

  function optionText(select, value) {
    var o = Array.prototype.filter.call($(select).options, function (x) { return x.value === value; })[0];
    return o ? o.textContent.replace(/ \(\d+\)$/, "") : value;
  }

  function undatedTies() {
    var n = 0, seen = {};
    graph.forEachEdge(function (edge, attrs) {
      (attrs.ties || []).forEach(function (t) {
        if (!seen[t.id] && (t.year === null || t.year === undefined)) { seen[t.id] = 1; n++; }
      });
    });
    return n;
  }

  /** Why the filters leave nothing, and what to change: shown on the canvas and at the top of the results. */
  function explainEmpty() {
    var box = $("empty-why");
    box.textContent = "";
    var filters = activeFilters();
    var empty = filters.length && (visibleTies.size === 0 && visibleEdges.size === 0);
    box.hidden = !empty;
    if (!empty) return false;
    box.appendChild(el("h2", "Nothing on the network matches these filters"));
    var ul = el("ul");
    if (yearActive(state)) {
      var undated = undatedTies();
      if (undated) {
        ul.appendChild(el("li", X.plural(undated, "tie") + " drawn here " + (undated === 1 ? "has" : "have") +
          " no date in the sources, so any year range hides " + (undated === 1 ? "it" : "them") + "."));
      }
      ul.appendChild(el("li", "Programs, courses and events count by their own start and end dates; ties by the date " +
        "they were signed."));
    }
    filters.forEach(function (f) {
      var li = el("li");
      if (f.edges || f.ties) {
        li.appendChild(document.createTextNode("Without " + f.name + ": " + X.plural(f.nodes, "entity", "entities") +
          ", " + X.plural(f.ties, "tie") + ". "));
        var b = el("button", "Drop " + f.name.replace(/^the /, ""));
        b.type = "button";
        b.addEventListener("click", function () { f.drop(state); syncControls(); afterChange(false, true); });
        li.appendChild(b);
      } else {
        li.appendChild(document.createTextNode("Dropping " + f.name + " alone would still leave nothing."));
      }
      ul.appendChild(li);
    });
    if (graph.order < (facets ? facets.nodes : 0)) {
      ul.appendChild(el("li", "Only the " + graph.order + " entities drawn are filtered (of " + facets.nodes +
        "): search or expand to bring others in."));
    }
    box.appendChild(ul);
    var clear = el("button", "Clear all filters");
    clear.type = "button";
    clear.addEventListener("click", clearFilters);
    box.appendChild(clear);
    var short = el("div");
    short.appendChild(el("strong", "Nothing matches these filters. "));
    short.appendChild(document.createTextNode(filters.filter(function (f) { return f.edges || f.ties; })
      .map(function (f) { return "Without " + f.name + ": " + X.plural(f.ties, "tie") + "."; }).join(" ") ||
      "Clear the filters to see the network again."));
    var more = el("button", "Why, and what to change");
    more.type = "button";
    more.addEventListener("click", function () { showTab("results", true); });
    short.appendChild(el("br"));
    short.appendChild(more);
    note(short, true);
    return true;
  }

  function filterSummary() {
    var box = $("filter-result");
    box.textContent = "";
    var filters = activeFilters();
    box.hidden = !filters.length || !$("empty-why").hidden;
    if (box.hidden) return;
    box.appendChild(el("h2", "Filtered: " + X.plural(visibleNodes.size, "entity", "entities") + ", " +
      X.plural(visibleTies.size, "tie")));
    box.appendChild(el("p", "By " + filters.map(function (f) { return f.name; }).join(", ") + ".", "muted"));
    var ties = [], seen = {};
    visibleEdges.forEach(function (edge) {
      (graph.getEdgeAttribute(edge, "ties") || []).forEach(function (t) {
        if (!seen[t.id] && tieOk(t, state)) { seen[t.id] = 1; ties.push(t); }
      });
    });
    ties.sort(function (a, b) { return (a.year || 9999) - (b.year || 9999) || a.label.localeCompare(b.label); });
    var ul = el("ul", null, "ties");
    ties.slice(0, 50).forEach(function (t) {
      var li = el("li", null, "tie");
      li.appendChild(X.link(t.id, t.label));
      li.appendChild(el("span", " " + [t.kindLabel, t.year || "date not given"].filter(Boolean).join(" · "), "muted"));
      ul.appendChild(li);
    });
    if (ties.length > 50) ul.appendChild(el("li", "and " + (ties.length - 50) + " more (see the List tab)", "muted"));
    box.appendChild(ul);
  }

  // -- sizes, colours and measures -------------------------------------------------------------------------

  function measureLabel(m) {
    return facets && facets.measures[m] ? facets.measures[m].label : $("size-by").selectedOptions[0].textContent;
  }

  function applySizes() {
    var measure = scoresFor;
    var max = 1;
    var value = function (n, a) { return measure === "degree" ? a.degree : (scores[n] || 0); };
    graph.forEachNode(function (n, a) { var v = value(n, a); if (v > max) max = v; });
    // Big drawings get smaller discs, so that the structure shows rather than a carpet of nodes.
    var base = graph.order > 1000 ? 1.5 : graph.order > 300 ? 2 : 3;
    var span = graph.order > 1000 ? 9 : 12;
    graph.forEachNode(function (n, a) {
      var colour = COLOURS[a.group] || "#777777";
      if (state.colour === "community" && communities[n] !== undefined) {
        colour = communities[n] >= 0 && communities[n] < PALETTE.length ? PALETTE[communities[n]] : OTHER_COMMUNITY;
      }
      graph.mergeNodeAttributes(n, { size: base + span * Math.sqrt(value(n, a) / max), color: colour });
    });
  }

  var measureJob = { seq: 0, controller: null, timer: null };

  /** An answer that is still computing on the server (``status`` queued/computing, with ``progress``) is asked
   * again a second later; an error status rejects; a ready one is the answer. */
  function pending(data, onProgress, again) {
    if (!data || !data.status || data.status === "ready") return data;
    if (data.status === "error") throw new Error(data.error || "the server could not compute it");
    if (onProgress) onProgress(data.progress || 0);
    return new Promise(function (r) { setTimeout(r, 1000); }).then(again);
  }

  /** Sizes and ranking for the chosen measure: until they arrive, the page says what is computing and for how
   * long, and keeps the old sizes under their own name (never old figures under the new heading). */
  function loadMeasure() {
    var measure = state.size;
    var job = ++measureJob.seq;
    if (measureJob.controller) measureJob.controller.abort();
    clearInterval(measureJob.timer);
    var controller = window.AbortController ? new AbortController() : null;
    measureJob.controller = controller;
    var signal = controller ? controller.signal : undefined;
    var m = facets.measures[measure];
    $("measure-help").textContent = m ? m.label + ": " + m.explanation : "";
    $("ranking-title").textContent = "Top by " + measureLabel(measure).toLowerCase();
    $("ranking").textContent = "";
    var started = Date.now();
    var status = $("ranking-status");
    var progress = function (extra) {
      var secs = Math.round((Date.now() - started) / 1000);
      status.textContent = "";
      status.appendChild(el("span", null, "spinner"));
      status.appendChild(document.createTextNode("Computing " + measureLabel(measure).toLowerCase() + "… " + secs + " s" +
        (extra || "") + (measure !== scoresFor ? " (the network is sized by " + measureLabel(scoresFor).toLowerCase() +
        " until then)" : "")));
      legendSize();
    };
    status.dataset.state = "computing";
    progress();
    measureJob.timer = setInterval(progress, 1000);
    var ids = graph.nodes();
    var poll = function (url, body) {
      return X.api(url, body, signal).then(function (data) {
        if (job !== measureJob.seq) throw new Error("stale");
        return pending(data, function (share) { progress(" (" + Math.round(100 * share) + "% done)"); }, function () {
          return poll(url, body);
        });
      });
    };
    var sized = measure === "degree" || !ids.length ? Promise.resolve(null)
      : poll("/api/scores", { measure: measure, ids: ids });
    var ranked = poll("/api/rankings?limit=10&measure=" + encodeURIComponent(measure));
    return Promise.all([sized, ranked]).then(function (res) {
      if (job !== measureJob.seq) return;
      clearInterval(measureJob.timer);
      if (res[0]) scores = res[0].scores;
      scoresFor = measure;
      status.textContent = "";
      status.dataset.state = "done";
      showRanking(res[1]);
      legendSize();
      applySizes();
      draw();
    }).catch(function (error) {
      if (job !== measureJob.seq || error.name === "AbortError" || error.message === "stale") return;
      clearInterval(measureJob.timer);
      status.dataset.state = "error";
      status.textContent = "Could not compute " + measureLabel(measure).toLowerCase() + ": " + error.message;
      legendSize();
    });
  }

  function legendSize() {
    var node = document.querySelector(".legend-size");
    if (!node) return;
    node.textContent = "size: " + measureLabel(scoresFor).toLowerCase() +
      (scoresFor !== state.size ? " (" + measureLabel(state.size).toLowerCase() + " still computing)" : "");
  }

  function showRanking(data) {
    var list = $("ranking");
    list.textContent = "";
    (data.results || []).forEach(function (r) {
      var li = el("li");
      var a = el("a", r.label);
      a.href = X.pagePath(r.id);
      a.addEventListener("click", function (ev) { ev.preventDefault(); goTo(r.id); });
      li.appendChild(a);
      li.appendChild(el("span", " " + (typeof r.score === "number" && r.score % 1 ? r.score.toFixed(4) : r.score), "muted"));
      list.appendChild(li);
    });
  }

  function loadCommunities() {
    var ids = graph.nodes();
    var status = $("community-status");
    var scoresOf = function () {
      return X.api("/api/scores", { measure: "community", ids: ids }).then(function (d) {
        return pending(d, function (share) {
          status.textContent = "Finding communities… " + Math.round(100 * share) + "% done";
        }, scoresOf);
      });
    };
    var listOf = function () {
      return X.api("/api/communities").then(function (d) { return pending(d, null, listOf); });
    };
    status.textContent = "Finding communities…";
    var jobs = [scoresOf().then(function (d) { communities = d.scores; })];
    if (!communityList) jobs.push(listOf().then(function (d) { communityList = d.communities || []; }));
    return Promise.all(jobs).then(function () {
      status.textContent = "";
      showCommunities();
    }).catch(function (error) { status.textContent = "Could not find communities: " + error.message; });
  }

  function showCommunities() {
    var box = $("communities-box");
    box.hidden = state.colour !== "community" || !communityList;
    if (box.hidden) return;
    var list = $("community-list");
    list.textContent = "";
    var drawn = {};
    Object.keys(communities).forEach(function (n) { drawn[communities[n]] = (drawn[communities[n]] || 0) + 1; });
    communityList.slice(0, PALETTE.length).forEach(function (c, i) {
      var li = el("li");
      var mark = el("i", null, "mark circle");
      mark.style.setProperty("--c", PALETTE[i]);
      li.appendChild(mark);
      var size = c.size || (c.members || []).length;
      li.appendChild(document.createTextNode(" " + X.plural(size, "member") + (drawn[i] ? ", " + drawn[i] + " drawn" : "") + ": "));
      var members = el("span", null, "members");
      (c.members || []).slice(0, 5).forEach(function (m, j) {
        if (j) members.appendChild(document.createTextNode(", "));
        var a = el("a", m.label);
        a.href = X.pagePath(m.id);
        a.addEventListener("click", function (ev) { ev.preventDefault(); goTo(m.id); });
        members.appendChild(a);
      });
      li.appendChild(members);
      list.appendChild(li);
    });
    if (communityList.length > PALETTE.length) {
      var rest = el("li", (communityList.length - PALETTE.length) + " smaller communities, drawn grey", "muted");
      rest.style.listStyle = "none";
      list.appendChild(rest);
    }
    buildLegend();
  }

  function draw() {
    if (renderer) renderer.refresh();
  }

  /** After the graph or the filters changed: sizes, visibility, the counts, the results and the list. */
  function afterChange(graphChanged, push) {
    var go = function () {
      applySizes();
      computeVisibility();
      var empty = explainEmpty();
      if (!empty && $("stage-note").classList.contains("empty")) note("");
      filterSummary();
      if (listOpen()) renderList();
      // A filter's answer is where the eye goes: the view zooms to what it left (labelled when few).
      if (push && !graphChanged && filtersActive(state) && visibleNodes.size && visibleNodes.size < graph.order) {
        fitTo(Array.from(visibleNodes));
      }
      draw();
      writeUrl(push);
    };
    var jobs = [];
    if (graphChanged && state.size !== "degree") jobs.push(loadMeasure());
    if (graphChanged && state.colour === "community") jobs.push(loadCommunities());
    go();
    return Promise.all(jobs).then(function () { if (jobs.length) go(); });
  }

  // -- the panel: tabs, entity, paths, list --------------------------------------------------------------

  var TABS = ["results", "entity", "list"];

  function showTab(name, focus) {
    TABS.forEach(function (t) {
      var on = t === name;
      $("tab-" + t).setAttribute("aria-selected", on ? "true" : "false");
      $("tab-" + t).tabIndex = on ? 0 : -1;
      $("pane-" + t).hidden = !on;
    });
    if (name === "list") renderList();
    if (focus) $("pane-" + name).focus();
  }

  function listOpen() { return !$("pane-list").hidden; }

  function select(id, push) {
    state.sel = id;
    writeUrl(push !== false);
    draw();
    showTab("entity");
    return X.api("/api/entity?id=" + encodeURIComponent(id)).then(function (entity) {
      if (state.sel !== id) return;
      return X.panel.showEntity(entity, { countryLabel: countryLabel, onParty: function (pid) {
        if (!graph.hasNode(pid)) return false;
        select(pid);
        return true;
      } });
    });
  }

  function clearSelection() {
    state.sel = "";
    $("panel-empty").hidden = false;
    $("panel-entity").hidden = true;
  }

  // -- paths ---------------------------------------------------------------------------------------------

  function findPaths(push) {
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
    return X.api(url).then(function (data) {
      pathNodes = new Set();
      pathEdges = new Set();
      activePath = -1;
      pathData = data;
      $("path-from").value = data.from.label;
      $("path-from").dataset.id = data.from.id;
      $("path-to").value = data.to.label;
      $("path-to").dataset.id = data.to.id;
      state.from = data.from.id;
      state.to = data.to.id;
      var fresh = [];
      data.paths.forEach(function (hops, pi) {
        hops.forEach(function (h, hi) {
          [h.from, h.to].forEach(function (n) {
            if (!graph.hasNode(n.id)) {
              addNode(n, (hi + 1) * 2 + Math.random(), pi * 2 - data.paths.length + Math.random());
              fresh.push(n.id);
            }
            pathNodes.add(n.id);
          });
        });
      });
      return allEdgesFor(graph.nodes()).then(function () {
        data.paths.forEach(function (hops) {
          hops.forEach(function (h) {
            var edge = graph.edge(h.from.id, h.to.id);
            if (edge) pathEdges.add(edge);
          });
        });
        $("path-status").textContent = data.paths.length ? X.plural(data.paths.length, "path") + " found: see Results." :
          "No path between them with these options.";
        showPaths(data);
        showTab("results");
        if (push !== false && window.innerWidth <= 760) $("pane-results").scrollIntoView({ block: "start" });
        if (fresh.length) relax(200, Array.from(pathNodes).filter(function (n) { return fresh.indexOf(n) < 0; }));
        fitTo(Array.from(pathNodes).concat([data.from.id, data.to.id]));
        return afterChange(true, push !== false);
      });
    }).catch(function (error) {
      $("path-status").textContent = error.message;
      showPathError(error);
    });
  }

  function showPathError(error) {
    $("paths").hidden = false;
    $("paths-title").textContent = "Paths";
    var list = $("path-list");
    list.textContent = "";
    var li = el("li", null, "card");
    li.appendChild(el("p", error.message));
    var candidates = (error.data && (error.data.candidates || error.data.suggestions)) || [];
    if (candidates.length) {
      li.appendChild(el("p", "Did you mean:", "muted"));
      var ul = el("ul");
      candidates.slice(0, 8).forEach(function (c) { ul.appendChild(el("li", c.label + (c.type ? " (" + c.type + ")" : ""))); });
      li.appendChild(ul);
    }
    list.appendChild(li);
    showTab("results");
  }

  function clearPaths() {
    pathNodes = new Set();
    pathEdges = new Set();
    pathData = null;
    activePath = -1;
    state.from = "";
    state.to = "";
    $("paths").hidden = true;
    $("path-list").textContent = "";
    $("path-status").textContent = "";
    ["path-from", "path-to"].forEach(function (id) { $(id).value = ""; delete $(id).dataset.id; });
  }

  function highlightPath(i) {
    activePath = activePath === i ? -1 : i;
    var hops = activePath >= 0 ? [pathData.paths[activePath]] : pathData.paths;
    pathNodes = new Set();
    pathEdges = new Set();
    hops.forEach(function (path) {
      path.forEach(function (h) {
        pathNodes.add(h.from.id);
        pathNodes.add(h.to.id);
        var edge = graph.edge(h.from.id, h.to.id);
        if (edge) pathEdges.add(edge);
      });
    });
    document.querySelectorAll("#path-list > li.card").forEach(function (card, j) {
      card.classList.toggle("active", j === activePath);
      var b = card.querySelector(".card-head button");
      if (b) b.setAttribute("aria-pressed", j === activePath ? "true" : "false");
    });
    computeVisibility();
    fitTo(Array.from(pathNodes));
    draw();
  }

  function showPaths(data) {
    $("paths").hidden = false;
    $("paths-title").textContent = data.paths.length ? X.plural(data.paths.length, "path") + " from " + data.from.label +
      " to " + data.to.label : "No path from " + data.from.label + " to " + data.to.label;
    var list = $("path-list");
    list.textContent = "";
    data.paths.forEach(function (hops, pi) {
      var li = el("li", null, "card path");
      var head = el("div", null, "card-head");
      head.appendChild(el("strong", "Path " + (pi + 1) + ": " + X.plural(hops.length, "hop")));
      var show = el("button", "Show alone");
      show.type = "button";
      show.setAttribute("aria-pressed", "false");
      show.addEventListener("click", function () { highlightPath(pi); });
      head.appendChild(show);
      li.appendChild(head);
      var why = data.ranking && data.ranking[pi] && data.ranking[pi].why;
      if (why) li.appendChild(el("p", why, "muted small"));
      var ol = el("ol", null, "hops");
      hops.forEach(function (h) {
        var hop = el("li", null, "hop");
        var line = el("div");
        line.appendChild(X.link(h.from.id, h.from.label));
        line.appendChild(document.createTextNode(" — "));
        line.appendChild(X.link(h.to.id, h.to.label));
        hop.appendChild(line);
        var tieList = el("ul", null, "ties");
        h.ties.forEach(function (t) { tieList.appendChild(X.panel.tieItem(t, null, null, true)); });
        if (h.ties.length) hop.appendChild(tieList);
        h.links.forEach(function (x) {
          var l = el("div", null, "link");
          l.appendChild(X.link(x.subject.id, x.subject.label));
          l.appendChild(el("span", " " + (x.roleLabel || x.role) + " ", "muted"));
          l.appendChild(X.link(x.object.id, x.object.label));
          (x.sources || []).forEach(function (s) { X.panel.sourceWords(s).forEach(function (n) { l.appendChild(n); }); });
          hop.appendChild(l);
        });
        ol.appendChild(hop);
      });
      li.appendChild(ol);
      list.appendChild(li);
    });
    if (!data.paths.length) {
      var why = el("li", null, "card");
      // The API's own reason (which filter emptied it, what the year range left out) when it gives one.
      if (data.empty && data.empty.message) why.appendChild(el("p", data.empty.message.replace(/`/g, "")));
      why.appendChild(el("p", "No chain of ties links them" + (state.onlyTies ? " through agreements and partnerships alone" :
        state.avoidLocated ? " without “located in” hops" : "") + "."));
      why.appendChild(el("p", state.onlyTies || state.avoidLocated ? "Untick the options under Find a path to allow " +
        "other links (located in, programs, events)." : "They are in separate parts of the network.", "muted"));
      list.appendChild(why);
    }
  }

  // -- the list view: the drawn network as two tables ------------------------------------------------------

  function renderList() {
    var body = $("node-table").tBodies[0];
    body.textContent = "";
    var nodes = Array.from(visibleNodes).map(function (id) { return [id, graph.getNodeAttributes(id)]; });
    nodes.sort(function (a, b) { return b[1].size - a[1].size || String(a[1].label).localeCompare(String(b[1].label)); });
    var limit = 500;
    $("list-count").textContent = "(" + nodes.length + (nodes.length > limit ? ", the " + limit + " biggest listed" : "") + ")";
    nodes.slice(0, limit).forEach(function (pair) {
      var tr = el("tr");
      if (pair[0] === state.sel) tr.className = "selected";
      var td = el("td");
      var b = el("button", pair[1].label, "linkish");
      b.type = "button";
      b.addEventListener("click", function () { select(pair[0]); fitTo([pair[0]].concat(graph.neighbors(pair[0]))); });
      td.appendChild(b);
      tr.appendChild(td);
      tr.appendChild(el("td", X.panel.typeName({ type: pair[1].etype })));
      tr.appendChild(el("td", String(pair[1].degree || 0)));
      body.appendChild(tr);
    });
    var ebody = $("edge-table").tBodies[0];
    ebody.textContent = "";
    var edges = Array.from(visibleEdges);
    $("list-tie-count").textContent = "(" + edges.length + (edges.length > limit ? ", " + limit + " listed" : "") + ")";
    edges.slice(0, limit).forEach(function (edge) {
      var a = graph.getEdgeAttributes(edge);
      var tr = el("tr");
      tr.appendChild(el("td", label(graph.source(edge))));
      tr.appendChild(el("td", label(graph.target(edge))));
      var ties = (a.ties || []).filter(function (t) { return tieOk(t, state); });
      var td = el("td");
      ties.forEach(function (t, i) {
        if (i) td.appendChild(document.createTextNode("; "));
        td.appendChild(X.link(t.id, t.label));
        td.appendChild(el("span", " " + [t.kindLabel, t.year].filter(Boolean).join(" "), "muted"));
      });
      var links = (a.relations || []).filter(function (r) { return !TIE_RELATIONS[r]; });
      if (links.length) td.appendChild(el("span", (ties.length ? "; " : "") + links.map(function (r) {
        return RELATION_NAMES[r] || r;
      }).join(", "), "muted"));
      tr.appendChild(td);
      ebody.appendChild(tr);
    });
  }

  // -- controls ------------------------------------------------------------------------------------------

  function checkbox(container, value, text, onChange) {
    var lab = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.value = value;
    box.addEventListener("change", onChange);
    lab.appendChild(box);
    lab.appendChild(document.createTextNode(" " + text));
    container.appendChild(lab);
  }

  function option(select, value, text) {
    var o = el("option", text);
    o.value = value;
    select.appendChild(o);
  }

  function buildControls() {
    Object.keys(facets.groups).forEach(function (g) {
      checkbox($("f-groups"), g, (GROUP_NAMES[g] || g) + " (" + facets.groups[g] + ")", function (ev) {
        toggle(state.hideGroups, g, !ev.target.checked);
      });
    });
    facets.relations.forEach(function (r) {
      checkbox($("f-relations"), r.id, (RELATION_NAMES[r.id] || r.id) + " (" + r.count + ")", function (ev) {
        toggle(state.hideRelations, r.id, !ev.target.checked);
      });
    });
    facets.kinds.forEach(function (k) { option($("f-kind"), k.id, k.label + " (" + k.count + ")"); });
    facets.countries.forEach(function (c) { option($("f-country"), c.id, c.label + " (" + c.count + ")"); });
    facets.fields.forEach(function (f) { option($("f-field"), f.id, f.label + " (" + f.count + ")"); });
    [["f-kind", "kind"], ["f-country", "country"], ["f-field", "field"]].forEach(function (pair) {
      $(pair[0]).addEventListener("change", function (ev) {
        state[pair[1]] = ev.target.value;
        afterChange(false, true);
        showTab("results");
      });
    });
    [["f-year-from", "y0"], ["f-year-to", "y1"]].forEach(function (pair) {
      $(pair[0]).addEventListener("change", function (ev) {
        var v = parseInt(ev.target.value, 10);
        state[pair[1]] = isNaN(v) ? null : v;
        if (state.y0 !== null && state.y1 !== null && state.y0 > state.y1) {
          var t = state.y0; state.y0 = state.y1; state.y1 = t;
        }
        syncYears();
        afterChange(false, true);
        showTab("results");
      });
    });
    syncControls();
    buildLegend();
  }

  function buildLegend() {
    var legend = $("legend");
    legend.textContent = "";
    if (state.colour === "community") {
      legend.appendChild(el("span", "colour: community (listed under Results); shape: type", "muted"));
    }
    Object.keys(facets.groups).forEach(function (g) {
      var item = el("span", null, "legend-item");
      var mark = el("i", null, "mark " + (SHAPES[g] || "circle"));
      mark.style.setProperty("--c", state.colour === "community" ? "#5b6576" : COLOURS[g] || "#777");
      item.appendChild(mark);
      item.appendChild(document.createTextNode(GROUP_NAMES[g] || g));
      legend.appendChild(item);
    });
    legend.appendChild(el("span", "", "muted legend-size"));
    legendSize();
  }

  /** The controls show ``state`` (after Back/Forward, a shared link or "Clear"). */
  function syncControls() {
    document.querySelectorAll("#f-groups input").forEach(function (b) { b.checked = state.hideGroups.indexOf(b.value) < 0; });
    document.querySelectorAll("#f-relations input").forEach(function (b) { b.checked = state.hideRelations.indexOf(b.value) < 0; });
    $("f-kind").value = state.kind;
    $("f-country").value = state.country;
    $("f-field").value = state.field;
    $("size-by").value = state.size;
    $("colour-by").value = state.colour;
    syncYears();
  }

  function syncYears() {
    var b = facets && facets.years;
    [["f-year-from", "y0"], ["f-year-to", "y1"]].forEach(function (pair) {
      var input = $(pair[0]);
      if (b) { input.min = b[0] - 50; input.max = b[1] + 50; input.placeholder = String(pair[1] === "y0" ? b[0] : b[1]); }
      input.value = state[pair[1]] !== null ? state[pair[1]] : "";
    });
    $("year-label").textContent = yearActive(state) ? "(undated ties hidden)" : "";
    if (timeline) timeline.setRange(state.y0, state.y1);
  }

  function toggle(list, value, on) {
    var i = list.indexOf(value);
    if (on && i < 0) list.push(value);
    if (!on && i >= 0) list.splice(i, 1);
    afterChange(false, true);
    showTab("results");
  }

  function clearFilters() {
    var keep = { focus: state.focus, expand: state.expand, sel: state.sel, size: state.size, colour: state.colour };
    state = Object.assign(defaults(), keep);
    clearPaths();
    syncControls();
    afterChange(false, true);
  }

  function overviewText() {
    var box = $("overview-text");
    box.textContent = "";
    box.appendChild(el("h2", "Who connects to whom"));
    box.appendChild(el("p", facets.nodes + " entities and " + facets.ties + " ties" +
      (facets.years ? ", dated " + facets.years[0] + "–" + facets.years[1] : "") + ". Search an entity, click one in " +
      "the network or find a path: the answers show here."));
    box.appendChild(el("p", "Discs are places, squares organisations, rings programs, courses and events; a node's " +
      "size is the measure chosen under Size and colour.", "muted"));
  }

  function goTo(id) {
    var task = graph.hasNode(id) ? Promise.resolve() : focusOn(id);
    return task.then(function () {
      fitTo([id].concat(graph.hasNode(id) ? graph.neighbors(id) : []));
      return select(id);
    });
  }

  function sameList(a, b) { return a.length === b.length && a.every(function (x, i) { return x === b[i]; }); }

  /** Bring the page to ``next`` (a state read from the URL): reload the network only when its base changed. */
  function restore(next, previous) {
    var rebuild = !previous || next.focus !== previous.focus || !sameList(next.expand, previous.expand);
    state = next;
    syncControls();
    var chain;
    if (rebuild) {
      var ends = [next.from, next.to];
      clearPaths();
      state.from = ends[0];
      state.to = ends[1];
      chain = (state.focus ? focusOn(state.focus, true) : showOverview()).then(function () {
        return state.expand.reduce(function (p, id) { return p.then(function () { return expand(id, false); }); }, Promise.resolve());
      });
    } else {
      chain = Promise.resolve();
    }
    return chain.then(function () {
      var pathChanged = !previous || rebuild || next.from !== previous.from || next.to !== previous.to ||
        next.k !== previous.k || next.onlyTies !== previous.onlyTies || next.avoidLocated !== previous.avoidLocated;
      if (state.from && state.to && pathChanged) {
        $("path-from").value = state.from;
        $("path-from").dataset.id = state.from;
        $("path-to").value = state.to;
        $("path-to").dataset.id = state.to;
        $("path-k").value = state.k;
        $("path-only-ties").checked = state.onlyTies;
        $("path-avoid-located").checked = state.avoidLocated;
        return findPaths(false);
      }
      if (!state.from && previous && previous.from) {
        clearPaths();
        $("path-status").textContent = "";
      }
    }).then(function () {
      if (previous && next.size !== scoresFor) loadMeasure();
      if (state.sel && (!previous || previous.sel !== state.sel || rebuild)) return select(state.sel, false);
      if (!state.sel) { clearSelection(); showTab(pathData ? "results" : "results"); }
    }).then(function () {
      return afterChange(false, false);
    });
  }

  function download(fmt) {
    var ids = Array.from(visibleNodes);
    var positions = {};
    ids.forEach(function (id) { positions[id] = [graph.getNodeAttribute(id, "x"), graph.getNodeAttribute(id, "y")]; });
    var title = state.focus && graph.hasNode(state.focus) ? "Partnergraph: around " + label(state.focus) : "Partnergraph view";
    X.busy(1);
    return fetch("/api/export", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ format: fmt, ids: ids, positions: positions, title: title }) })
      .then(function (r) { return r.blob(); })
      .then(function (blob) {
        var a = el("a");
        a.href = URL.createObjectURL(blob);
        a.download = fmt === "pyvis" ? "partnergraph-view-vis.html" : "partnergraph-view." + fmt;
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      }).finally(function () { X.busy(-1); });
  }

  function wireTabs() {
    TABS.forEach(function (t, i) {
      var tab = $("tab-" + t);
      tab.addEventListener("click", function () { showTab(t); });
      tab.addEventListener("keydown", function (ev) {
        var j = ev.key === "ArrowRight" ? i + 1 : ev.key === "ArrowLeft" ? i - 1 : ev.key === "Home" ? 0 :
          ev.key === "End" ? TABS.length - 1 : null;
        if (j === null) return;
        j = (j + TABS.length) % TABS.length;
        showTab(TABS[j]);
        $("tab-" + TABS[j]).focus();
        ev.preventDefault();
      });
    });
    document.querySelectorAll(".skip-link[data-tab]").forEach(function (a) {
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        showTab(a.dataset.tab, true);
        $("pane-" + a.dataset.tab).scrollIntoView();
      });
    });
  }

  function wire() {
    wireTabs();
    var describe = function (item) { return [item.type, countryLabel(item.country)].filter(Boolean).join(" · "); };
    X.autocomplete($("search"), $("search-list"), function (item) { goTo(item.id); }, describe);
    var fromBox = $("path-from"), toBox = $("path-to");
    X.autocomplete(fromBox, fromBox.nextElementSibling, function () {}, describe);
    X.autocomplete(toBox, toBox.nextElementSibling, function () {}, describe);
    $("btn-path").addEventListener("click", function () { findPaths(true); });
    $("btn-overview").addEventListener("click", function () {
      state.focus = ""; state.expand = [];
      clearPaths();
      showOverview().then(function () { writeUrl(true); });
    });
    $("btn-share").addEventListener("click", function () {
      writeUrl(false);
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
    $("btn-clear").addEventListener("click", clearFilters);
    $("btn-expand").addEventListener("click", function () {
      if (state.sel) expand(state.sel).then(function () { writeUrl(true); });
    });
    $("btn-focus").addEventListener("click", function () {
      if (state.sel) focusOn(state.sel).then(function () { return select(state.sel, true); });
    });
    $("btn-path-from").addEventListener("click", function () {
      fromBox.value = $("sel-label").textContent; fromBox.dataset.id = state.sel; toBox.focus();
    });
    $("btn-path-to").addEventListener("click", function () {
      toBox.value = $("sel-label").textContent; toBox.dataset.id = state.sel;
      if (fromBox.dataset.id) findPaths(true); else fromBox.focus();
    });
    $("size-by").addEventListener("change", function (ev) {
      state.size = ev.target.value;
      writeUrl(true);
      loadMeasure();
    });
    $("colour-by").addEventListener("change", function (ev) {
      state.colour = ev.target.value;
      buildLegend();
      if (state.colour === "community") loadCommunities().then(function () { applySizes(); draw(); });
      else { showCommunities(); applySizes(); draw(); }
      writeUrl(true);
    });
    window.addEventListener("popstate", function () {
      if (!ready) return;
      var previous = state;
      restore(readUrl(), previous);
    });
  }

  // -- drawing: sigma, started once its container has a size -------------------------------------------

  function startRenderer() {
    var container = $("graph");
    renderer = new PG.Sigma(graph, container, {
      nodeProgramClasses: { circle: PG.programs.NodeCircleProgram, square: PG.programs.NodeSquareNoLabelProgram,
        ring: PG.programs.NodeRingProgram },
      defaultNodeType: "circle",
      renderEdgeLabels: false,
      labelRenderedSizeThreshold: 5,
      labelDensity: 1,
      labelGridCellSize: 70,
      labelSize: 12,
      labelFont: "system-ui, sans-serif",
      defaultDrawNodeLabel: X.labels.collect,
      defaultEdgeColor: "#c3cad6",
      zIndex: true,
      nodeReducer: function (node, data) {
        var res = Object.assign({}, data);
        if (!visibleNodes.has(node)) { res.hidden = true; return res; }
        res.labelPriority = 0;
        if (neighbours.has(node) || node === state.focus || (filtered && visibleNodes.size <= 80)) {
          res.forceLabel = true;
          res.labelPriority = 1;
        }
        if (pathNodes.size) {
          if (pathNodes.has(node)) { res.forceLabel = true; res.zIndex = 2; res.labelPriority = 2; }
          else { res.color = "#d5dae3"; res.labelPriority = -1; }
        }
        if (node === state.sel) { res.highlighted = true; res.forceLabel = true; res.zIndex = 3; res.labelPriority = 3; }
        return res;
      },
      edgeReducer: function (edge, data) {
        var res = Object.assign({}, data);
        if (!visibleEdges.has(edge)) { res.hidden = true; return res; }
        if (pathEdges.size) {
          if (pathEdges.has(edge)) { res.color = "#e0245e"; res.size = 3; res.zIndex = 2; }
          else { res.color = "#eceff3"; }
        }
        return res;
      },
    });
    renderer.on("afterRender", function () { X.labels.place(renderer, container); });
    renderer.on("clickNode", function (ev) { select(ev.node); });
    renderer.on("enterNode", function () { container.style.cursor = "pointer"; });
    renderer.on("leaveNode", function () { container.style.cursor = ""; });
  }

  /** Sigma needs a container with a size: start it when there is one (phones lay the page out late). */
  function whenSized(start) {
    var box = $("graph");
    var sized = function () { return box.clientWidth > 0 && box.clientHeight > 0; };
    if (sized()) { start(); return; }
    var observer = new ResizeObserver(function () {
      if (sized() && !renderer) { observer.disconnect(); start(); }
    });
    observer.observe(box);
  }

  var ready = false;
  wire();
  whenSized(function () { startRenderer(); draw(); });
  X.api("/api/facets").then(function (data) {
    facets = data;
    timeline = X.timeline.create($("timeline"), function (a, b) {
      state.y0 = a;
      state.y1 = b;
      syncYears();
      afterChange(false, true);
      showTab("results");
    });
    X.api("/api/timeline").then(function (t) {
      spans = t.spans || {};
      timeline.setData(t);
      timeline.setRange(state.y0, state.y1);
      if (yearActive(state)) afterChange(false, false);
    }).catch(function () { $("timeline").hidden = true; });
    buildControls();
    overviewText();
    state = readUrl();
    var q = new URLSearchParams(location.search).get("q");
    if (q && !state.focus) $("search").value = q;
    return restore(state, null).then(function () { return loadMeasure(); });
  }).then(function () {
    ready = true;
    writeUrl(false);
    document.body.dataset.ready = "1";
  }).catch(function (error) {
    note(error.message);
    ready = true;
    document.body.dataset.ready = "1";
  });

  // For tests and power users: the graph, the renderer and a few actions.
  window.explorer = { graph: graph, renderer: function () { return renderer; }, select: select, expand: expand,
    focusOn: focusOn, findPaths: findPaths, state: function () { return state; },
    visibleNodes: function () { return visibleNodes; }, layoutDone: layout.done };
})();
