/* Partnergraph explorer: the filters: what they leave of the loaded graph, the counts, why a result is empty.
 * One part of the explorer (static/explorer/explorer.js assembles them): its functions are put on the shared ``app``
 * object, where the other parts find them and the state they share. Texts from the data go on the page as text. */
(function () {
  "use strict";
  var X = window.PGX;
  var el = X.el;

  X.explorerParts = X.explorerParts || [];
  X.explorerParts.push(function (app) {
    var $ = app.$;
    var GROUP_NAMES = X.explorerConst.GROUP_NAMES;
    var RELATION_NAMES = X.explorerConst.RELATION_NAMES;
    var TIE_RELATIONS = X.explorerConst.TIE_RELATIONS;
    var graph = app.graph;

    // -- filters -------------------------------------------------------------------------------------------

    function yearActive(s) { return s.y0 !== null || s.y1 !== null; }

    function yearOk(y, s) {
      if (y === null || y === undefined) return false;
      if (s.y0 !== null && y < s.y0) return false;
      if (s.y1 !== null && y > s.y1) return false;
      return true;
    }

    function spanOk(id, s) {
      var span = app.spans[id];
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
        if (n === s.sel || n === s.focus || app.pathNodes.has(n)) { nodes.add(n); return; }
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

    app.filtered = false;

    function computeVisibility() {
      app.filtered = filtersActive(app.state);
      var v = visibility(app.state);
      app.visibleNodes = v.nodes;
      app.visibleEdges = v.edges;
      app.visibleTies = v.ties;
      var counts = $("counts");
      counts.textContent = X.plural(app.visibleNodes.size, "entity", "entities") + " · " + X.plural(app.visibleTies.size, "tie") +
        " · " + X.plural(app.visibleEdges.size, "link") + " shown" +
        (app.visibleNodes.size < graph.order ? " (" + graph.order + " loaded)" : "");
      counts.dataset.nodes = String(app.visibleNodes.size);
      counts.dataset.edges = String(app.visibleEdges.size);
      counts.dataset.ties = String(app.visibleTies.size);
    }

    /** The filters that are on, each with a name, a way to drop it, and what would show without it. */
    function activeFilters() {
      var list = [];
      var add = function (name, drop) {
        var s = Object.assign({}, app.state, { hideGroups: app.state.hideGroups.slice(), hideRelations: app.state.hideRelations.slice() });
        drop(s);
        var v = visibility(s);
        list.push({ name: name, drop: drop, nodes: v.nodes.size, ties: v.ties.size, edges: v.edges.size });
      };
      if (yearActive(app.state)) {
        add("the years " + (app.state.y0 !== null ? app.state.y0 : "…") + "–" + (app.state.y1 !== null ? app.state.y1 : "…"),
          function (s) { s.y0 = null; s.y1 = null; });
      }
      if (app.state.kind) add("the kind “" + optionText("f-kind", app.state.kind) + "”", function (s) { s.kind = ""; });
      if (app.state.field) add("the field “" + optionText("f-field", app.state.field) + "”", function (s) { s.field = ""; });
      if (app.state.country) add("the country " + app.countryLabel(app.state.country), function (s) { s.country = ""; });
      if (app.state.hideGroups.length) {
        add("hidden types (" + app.state.hideGroups.map(function (g) { return GROUP_NAMES[g] || g; }).join(", ") + ")",
          function (s) { s.hideGroups = []; });
      }
      if (app.state.hideRelations.length) {
        add("hidden relations (" + app.state.hideRelations.map(function (r) { return RELATION_NAMES[r] || r; }).join(", ") + ")",
          function (s) { s.hideRelations = []; });
      }
      return list;
    }

    function optionText(selectId, value) {
      var o = Array.prototype.filter.call($(selectId).options, function (x) { return x.value === value; })[0];
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
      var empty = filters.length && (app.visibleTies.size === 0 && app.visibleEdges.size === 0);
      box.hidden = !empty;
      if (!empty) return false;
      box.appendChild(el("h2", "Nothing on the network matches these filters"));
      var ul = el("ul");
      if (yearActive(app.state)) {
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
          b.addEventListener("click", function () { f.drop(app.state); app.syncControls(); app.afterChange(false, true); });
          li.appendChild(b);
        } else {
          li.appendChild(document.createTextNode("Dropping " + f.name + " alone would still leave nothing."));
        }
        ul.appendChild(li);
      });
      if (graph.order < (app.facets ? app.facets.nodes : 0)) {
        ul.appendChild(el("li", "Only the " + graph.order + " entities drawn are filtered (of " + app.facets.nodes +
          "): search or expand to bring others in."));
      }
      box.appendChild(ul);
      var clear = el("button", "Clear all filters");
      clear.type = "button";
      clear.addEventListener("click", app.clearFilters);
      box.appendChild(clear);
      var short = el("div");
      short.appendChild(el("strong", "Nothing matches these filters. "));
      short.appendChild(document.createTextNode(filters.filter(function (f) { return f.edges || f.ties; })
        .map(function (f) { return "Without " + f.name + ": " + X.plural(f.ties, "tie") + "."; }).join(" ") ||
        "Clear the filters to see the network again."));
      var more = el("button", "Why, and what to change");
      more.type = "button";
      more.addEventListener("click", function () { app.showTab("results", true); });
      short.appendChild(el("br"));
      short.appendChild(more);
      app.note(short, true);
      return true;
    }

    function filterSummary() {
      var box = $("filter-result");
      box.textContent = "";
      var filters = activeFilters();
      box.hidden = !filters.length || !$("empty-why").hidden;
      if (box.hidden) return;
      box.appendChild(el("h2", "Filtered: " + X.plural(app.visibleNodes.size, "entity", "entities") + ", " +
        X.plural(app.visibleTies.size, "tie")));
      box.appendChild(el("p", "By " + filters.map(function (f) { return f.name; }).join(", ") + ".", "muted"));
      var ties = [], seen = {};
      app.visibleEdges.forEach(function (edge) {
        (graph.getEdgeAttribute(edge, "ties") || []).forEach(function (t) {
          if (!seen[t.id] && tieOk(t, app.state)) { seen[t.id] = 1; ties.push(t); }
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


    app.yearActive = yearActive;
    app.yearOk = yearOk;
    app.spanOk = spanOk;
    app.tieOk = tieOk;
    app.filtersActive = filtersActive;
    app.visibility = visibility;
    app.computeVisibility = computeVisibility;
    app.activeFilters = activeFilters;
    app.optionText = optionText;
    app.undatedTies = undatedTies;
    app.explainEmpty = explainEmpty;
    app.filterSummary = filterSummary;
  });
})();
