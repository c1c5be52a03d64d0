/* Partnergraph explorer: the controls: filters, legend, restoring a state, download, wiring the buttons.
 * One part of the explorer (static/explorer/explorer.js assembles them): its functions are put on the shared ``app``
 * object, where the other parts find them and the state they share. Texts from the data go on the page as text. */
(function () {
  "use strict";
  var X = window.PGX;
  var el = X.el;

  X.explorerParts = X.explorerParts || [];
  X.explorerParts.push(function (app) {
    var $ = app.$;
    var COLOURS = X.explorerConst.COLOURS;
    var SHAPES = X.explorerConst.SHAPES;
    var GROUP_NAMES = X.explorerConst.GROUP_NAMES;
    var RELATION_NAMES = X.explorerConst.RELATION_NAMES;
    var TABS = X.explorerConst.TABS;
    var graph = app.graph;

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

    function option(selectBox, value, text) {
      var o = el("option", text);
      o.value = value;
      selectBox.appendChild(o);
    }

    function buildControls() {
      Object.keys(app.facets.groups).forEach(function (g) {
        checkbox($("f-groups"), g, (GROUP_NAMES[g] || g) + " (" + app.facets.groups[g] + ")", function (ev) {
          toggle(app.state.hideGroups, g, !ev.target.checked);
        });
      });
      app.facets.relations.forEach(function (r) {
        checkbox($("f-relations"), r.id, (RELATION_NAMES[r.id] || r.id) + " (" + r.count + ")", function (ev) {
          toggle(app.state.hideRelations, r.id, !ev.target.checked);
        });
      });
      app.facets.kinds.forEach(function (k) { option($("f-kind"), k.id, k.label + " (" + k.count + ")"); });
      app.facets.countries.forEach(function (c) { option($("f-country"), c.id, c.label + " (" + c.count + ")"); });
      app.facets.fields.forEach(function (f) { option($("f-field"), f.id, f.label + " (" + f.count + ")"); });
      [["f-kind", "kind"], ["f-country", "country"], ["f-field", "field"]].forEach(function (pair) {
        $(pair[0]).addEventListener("change", function (ev) {
          app.state[pair[1]] = ev.target.value;
          app.afterChange(false, true);
          app.showTab("results");
        });
      });
      [["f-year-from", "y0"], ["f-year-to", "y1"]].forEach(function (pair) {
        $(pair[0]).addEventListener("change", function (ev) {
          var v = parseInt(ev.target.value, 10);
          app.state[pair[1]] = isNaN(v) ? null : v;
          if (app.state.y0 !== null && app.state.y1 !== null && app.state.y0 > app.state.y1) {
            var t = app.state.y0; app.state.y0 = app.state.y1; app.state.y1 = t;
          }
          syncYears();
          app.afterChange(false, true);
          app.showTab("results");
        });
      });
      syncControls();
      buildLegend();
    }

    function buildLegend() {
      var legend = $("legend");
      legend.textContent = "";
      if (app.colourBy() === "community") {
        legend.appendChild(el("span", "colour: community (listed under Results); shape: type", "muted"));
      }
      Object.keys(app.facets.groups).forEach(function (g) {
        var item = el("span", null, "legend-item");
        var mark = el("i", null, "mark " + (SHAPES[g] || "circle"));
        mark.style.setProperty("--c", app.colourBy() === "community" ? "#5b6576" : COLOURS[g] || "#777");
        item.appendChild(mark);
        item.appendChild(document.createTextNode(GROUP_NAMES[g] || g));
        legend.appendChild(item);
      });
      legend.appendChild(el("span", "", "muted legend-size"));
      app.legendSize();
    }

    /** The controls show ``state`` (after Back/Forward, a shared link or "Clear"). */
    function syncControls() {
      document.querySelectorAll("#f-groups input").forEach(function (b) { b.checked = app.state.hideGroups.indexOf(b.value) < 0; });
      document.querySelectorAll("#f-relations input").forEach(function (b) { b.checked = app.state.hideRelations.indexOf(b.value) < 0; });
      $("f-kind").value = app.state.kind;
      $("f-country").value = app.state.country;
      $("f-field").value = app.state.field;
      $("size-by").value = app.state.size;
      $("colour-by").value = app.colourBy();
      syncYears();
    }

    function syncYears() {
      var b = app.facets && app.facets.years;
      [["f-year-from", "y0"], ["f-year-to", "y1"]].forEach(function (pair) {
        var input = $(pair[0]);
        if (b) { input.min = b[0] - 50; input.max = b[1] + 50; input.placeholder = String(pair[1] === "y0" ? b[0] : b[1]); }
        input.value = app.state[pair[1]] !== null ? app.state[pair[1]] : "";
      });
      $("year-label").textContent = app.yearActive(app.state) ? "(undated ties hidden)" : "";
      if (app.timeline) app.timeline.setRange(app.state.y0, app.state.y1);
    }

    function toggle(list, value, on) {
      var i = list.indexOf(value);
      if (on && i < 0) list.push(value);
      if (!on && i >= 0) list.splice(i, 1);
      app.afterChange(false, true);
      app.showTab("results");
    }

    function clearFilters() {
      var keep = { focus: app.state.focus, expand: app.state.expand, sel: app.state.sel, size: app.state.size, colour: app.state.colour };
      app.state = Object.assign(app.defaults(), keep);
      app.clearPaths();
      syncControls();
      app.afterChange(false, true);
    }

    function overviewText() {
      var box = $("overview-text");
      box.textContent = "";
      box.appendChild(el("h2", "Who connects to whom"));
      box.appendChild(el("p", app.facets.nodes + " entities and " + app.facets.ties + " ties" +
        (app.facets.years ? ", dated " + app.facets.years[0] + "–" + app.facets.years[1] : "") + ". Search an entity, click one in " +
        "the network or find a path: the answers show here."));
      box.appendChild(el("p", "Discs are places, squares organisations, rings programs, courses and events; a node's " +
        "size is the measure chosen under Size and colour.", "muted"));
    }

    function goTo(id) {
      var task = graph.hasNode(id) ? Promise.resolve() : app.focusOn(id);
      return task.then(function () {
        app.fitTo([id].concat(graph.hasNode(id) ? graph.neighbors(id) : []));
        return app.select(id);
      });
    }

    function sameList(a, b) { return a.length === b.length && a.every(function (x, i) { return x === b[i]; }); }

    /** Bring the page to ``next`` (a state read from the URL): reload the network only when its base changed. */
    function restore(next, previous) {
      var rebuild = !previous || next.focus !== previous.focus || !sameList(next.expand, previous.expand);
      app.state = next;
      syncControls();
      var chain;
      if (rebuild) {
        var ends = [next.from, next.to];
        app.clearPaths();
        app.state.from = ends[0];
        app.state.to = ends[1];
        chain = (app.state.focus ? app.focusOn(app.state.focus, true) : app.showOverview()).then(function () {
          return app.state.expand.reduce(function (p, id) { return p.then(function () { return app.expand(id, false); }); }, Promise.resolve());
        });
      } else {
        chain = Promise.resolve();
      }
      return chain.then(function () {
        var pathChanged = !previous || rebuild || next.from !== previous.from || next.to !== previous.to ||
          next.k !== previous.k || next.onlyTies !== previous.onlyTies || next.avoidLocated !== previous.avoidLocated;
        if (app.state.from && app.state.to && pathChanged) {
          $("path-from").value = app.state.from;
          $("path-from").dataset.id = app.state.from;
          $("path-to").value = app.state.to;
          $("path-to").dataset.id = app.state.to;
          $("path-k").value = app.state.k;
          $("path-only-ties").checked = app.state.onlyTies;
          $("path-avoid-located").checked = app.state.avoidLocated;
          return app.findPaths(false);
        }
        if (!app.state.from && previous && previous.from) {
          app.clearPaths();
          $("path-status").textContent = "";
        }
      }).then(function () {
        if (previous && next.size !== app.scoresFor) app.loadMeasure();
        if (app.state.sel && (!previous || previous.sel !== app.state.sel || rebuild)) return app.select(app.state.sel, false);
        if (!app.state.sel) { app.clearSelection(); app.showTab(app.pathData ? "results" : "results"); }
      }).then(function () {
        return app.afterChange(false, false);
      });
    }

    function download(fmt) {
      var ids = Array.from(app.visibleNodes);
      var positions = {};
      ids.forEach(function (id) { positions[id] = [graph.getNodeAttribute(id, "x"), graph.getNodeAttribute(id, "y")]; });
      var title = app.state.focus && graph.hasNode(app.state.focus) ? "Partnergraph: around " + app.label(app.state.focus) : "Partnergraph view";
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
        tab.addEventListener("click", function () { app.showTab(t); });
        tab.addEventListener("keydown", function (ev) {
          var j = ev.key === "ArrowRight" ? i + 1 : ev.key === "ArrowLeft" ? i - 1 : ev.key === "Home" ? 0 :
            ev.key === "End" ? TABS.length - 1 : null;
          if (j === null) return;
          j = (j + TABS.length) % TABS.length;
          app.showTab(TABS[j]);
          $("tab-" + TABS[j]).focus();
          ev.preventDefault();
        });
      });
      document.querySelectorAll(".skip-link[data-tab]").forEach(function (a) {
        a.addEventListener("click", function (ev) {
          ev.preventDefault();
          app.showTab(a.dataset.tab, true);
          $("pane-" + a.dataset.tab).scrollIntoView();
        });
      });
    }

    function wire() {
      wireTabs();
      var describe = function (item) { return [item.type, app.countryLabel(item.country)].filter(Boolean).join(" · "); };
      X.autocomplete($("search"), $("search-list"), function (item) { goTo(item.id); }, describe);
      var fromBox = $("path-from"), toBox = $("path-to");
      X.autocomplete(fromBox, fromBox.nextElementSibling, function () {}, describe);
      X.autocomplete(toBox, toBox.nextElementSibling, function () {}, describe);
      $("btn-path").addEventListener("click", function () { app.findPaths(true); });
      $("btn-overview").addEventListener("click", function () {
        app.state.focus = ""; app.state.expand = [];
        app.clearPaths();
        app.showOverview().then(function () { app.writeUrl(true); });
      });
      $("btn-share").addEventListener("click", function () {
        app.writeUrl(false);
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
        if (app.state.sel) app.expand(app.state.sel).then(function () { app.writeUrl(true); });
      });
      $("btn-focus").addEventListener("click", function () {
        if (app.state.sel) app.focusOn(app.state.sel).then(function () { return app.select(app.state.sel, true); });
      });
      $("btn-path-from").addEventListener("click", function () {
        fromBox.value = $("sel-label").textContent; fromBox.dataset.id = app.state.sel; toBox.focus();
      });
      $("btn-path-to").addEventListener("click", function () {
        toBox.value = $("sel-label").textContent; toBox.dataset.id = app.state.sel;
        if (fromBox.dataset.id) app.findPaths(true); else fromBox.focus();
      });
      $("size-by").addEventListener("change", function (ev) {
        app.state.size = ev.target.value;
        app.writeUrl(true);
        app.loadMeasure();
      });
      $("colour-by").addEventListener("change", function (ev) {
        app.state.colour = ev.target.value;
        buildLegend();
        if (app.colourBy() === "community") app.loadCommunities().then(function () { app.applySizes(); app.draw(); });
        else { app.showCommunities(); app.applySizes(); app.draw(); }
        app.writeUrl(true);
      });
      window.addEventListener("popstate", function () {
        if (!app.ready) return;
        var previous = app.state;
        restore(app.readUrl(), previous);
      });
    }


    app.checkbox = checkbox;
    app.option = option;
    app.buildControls = buildControls;
    app.buildLegend = buildLegend;
    app.syncControls = syncControls;
    app.syncYears = syncYears;
    app.toggle = toggle;
    app.clearFilters = clearFilters;
    app.overviewText = overviewText;
    app.goTo = goTo;
    app.sameList = sameList;
    app.restore = restore;
    app.download = download;
    app.wireTabs = wireTabs;
    app.wire = wire;
  });
})();
