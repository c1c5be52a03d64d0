/* Partnergraph explorer: the graphology graph, the camera, loading the overview, a neighbourhood or an expansion, and sigma.
 * One part of the explorer (static/explorer/explorer.js assembles them): its functions are put on the shared ``app``
 * object, where the other parts find them and the state they share. Texts from the data go on the page as text. */
(function () {
  "use strict";
  var X = window.PGX;
  var el = X.el;

  X.explorerParts = X.explorerParts || [];
  X.explorerParts.push(function (app) {
    var $ = app.$;
    var SHAPES = X.explorerConst.SHAPES;
    var graph = app.graph;
    var layout = app.layout;
    var relax = app.layout.relax;

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
        if (!app.renderer) return;
        var xs = [], ys = [];
        ids.forEach(function (id) {
          var d = graph.hasNode(id) && app.renderer.getNodeDisplayData(id);
          if (d) { xs.push(d.x); ys.push(d.y); }
        });
        if (!xs.length) return;
        var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
        var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
        var dims = app.renderer.getDimensions();
        var aspect = Math.max(dims.width, dims.height) / Math.max(1, Math.min(dims.width, dims.height));
        var ratio = Math.max(0.06, Math.min(1.2, Math.max(x1 - x0, y1 - y0) * 1.5 * Math.sqrt(aspect)));
        app.renderer.getCamera().animate({ x: (x0 + x1) / 2, y: (y0 + y1) / 2, ratio: ratio, angle: 0 }, { duration: 400 });
      });
    }

    function resetCamera() {
      layout.whenSettled(null);
      if (app.renderer) app.renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
    }

    // -- loading -------------------------------------------------------------------------------------------

    /** The edges among ``ids`` (at most EDGE_TIES ties and links on them: the strongest); what was left out. */
    function allEdgesFor(ids) {
      return X.api("/api/subgraph", { ids: ids, maxTies: EDGE_TIES }).then(function (data) {
        data.edges.forEach(addEdge);
        return data.edgeCounts;
      });
    }

    // -- what an answer left out, in words -----------------------------------------------------------------

    /** The ties and links one drawing asks for at most (a hub's neighbours can have tens of thousands). */
    var EDGE_TIES = 4000;
    /** 14336 as "14,336" (toLocaleString would set up the browser's locale data on first use: 60 ms). */
    var num = function (n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); };

    /** "1,000 of the 14,336 ties among them are drawn (the strongest)", or "" when none was left out. */
    function tiesLeftOut(counts) {
      if (!counts || counts.shown.ties >= counts.among.ties) return "";
      return num(counts.shown.ties) + " of the " + num(counts.among.ties) + " ties and links among them are drawn " +
        "(each entity's tie to the drawing first, then the strongest; select an entity to see all of its ties)";
    }

    /** What a neighbourhood left out: its best-connected neighbours shown of how many, and of their ties. */
    function neighbourhoodLeftOut(data, id) {
      var shown = data.nodes.length - 1;
      var parts = [];
      if (data.truncated) {
        parts.push("Showing the " + num(shown) + " best connected of " + app.label(id) + "'s " + num(data.partners) +
          " neighbours: raise the limit in the panel and press Expand to see more");
      }
      var ties = tiesLeftOut(data.edgeCounts);
      if (ties) parts.push(parts.length ? ties : ties.charAt(0).toUpperCase() + ties.slice(1));
      return parts.length ? parts.join(". ") + "." : "";
    }

    function showOverview() {
      graph.clear();
      app.neighbours = new Set();
      var slow = setTimeout(function () { app.note("Loading the overview of the network…"); }, 800);
      var answer = prefetchedOverview || X.api("/api/graph");
      prefetchedOverview = null;
      return answer.then(function (data) {
        clearTimeout(slow);
        load(data);
        app.note(data.leftOut && data.leftOut.message ? data.leftOut.message : data.truncated ? "Showing the " +
          num(data.nodes.length) + " best connected of " + num(data.total.nodes) + " entities: search or expand to see more." : "");
        app.applySizes();
        // A big overview coloured by community settles once the communities are known (loadCommunities).
        app.arrangeByCommunity = app.colourBy() === "community";
        if (!app.arrangeByCommunity) relax(data.nodes.length > 1000 ? 250 : 400);
        resetCamera();
        return app.afterChange("reset");
      });
    }

    var prefetched = null;
    var prefetchedOverview = null;

    /** Ask for the overview now (a page opened without a focus draws it), beside the facets, not after them. */
    function prefetchOverview() {
      prefetchedOverview = X.api("/api/graph");
      prefetchedOverview.catch(function () { /* the overview that uses it reports the error */ });
    }

    function neighbourhood(id) {
      var limit = Math.max(1, Math.min(500, parseInt($("expand-limit").value, 10) || 50));
      if (prefetched && prefetched.id === id && prefetched.limit === limit) {
        var early = prefetched.answer;
        prefetched = null;
        return early;
      }
      return X.api("/api/neighbourhood?hops=1&limit=" + limit + "&id=" + encodeURIComponent(id)).then(function (data) {
        data.limit = limit;
        return data;
      });
    }

    /** Ask for ``id``'s neighbourhood now; the first :func:`neighbourhood` of it takes this answer. */
    function prefetchNeighbourhood(id) {
      var answer = neighbourhood(id);
      answer.catch(function () { /* the focus that uses it reports the error */ });
      prefetched = { id: id, limit: Math.max(1, Math.min(500, parseInt($("expand-limit").value, 10) || 50)), answer: answer };
    }

    function focusOn(id, keepExpand) {
      app.state.focus = id;
      if (!keepExpand) app.state.expand = [];
      graph.clear();
      return neighbourhood(id).then(function (data) {
        addNode(data.center, 0, 0);
        load(data, id);
        app.neighbours = new Set(data.nodes.map(function (n) { return n.id; }));
        app.note(neighbourhoodLeftOut(data, id));
        app.applySizes();
        relax(300, [id]);
        resetCamera();
        return app.afterChange("reset").then(function () { return data; });
      });
    }

    function expand(id, record) {
      var before = graph.order;
      return neighbourhood(id).then(function (data) {
        if (!graph.hasNode(id)) addNode(data.center, 0, 0);
        var added = load(data, id);
        var got = data.nodes.length - 1;
        if (record !== false && app.state.expand.indexOf(id) < 0) app.state.expand.push(id);
        data.nodes.forEach(function (n) { app.neighbours.add(n.id); });
        return allEdgesFor(graph.nodes()).then(function (counts) {
          if (added) relax(150);
          var msg = "Expanded " + data.center.label + ": " + X.plural(added, "new neighbour") + " drawn";
          if (got - added > 0) msg += ", " + (got - added) + " already drawn";
          msg += ".";
          if (data.truncated) {
            msg += " It has " + num(data.partners) + " neighbours; only the " + data.limit + " best connected were asked for: " +
              "raise the limit to see the rest.";
          }
          var ties = tiesLeftOut(counts);
          if (ties) msg += " Of all that is drawn, " + ties + ".";
          if (record !== false) $("expand-status").textContent = msg;
          app.note(graph.order > before || !data.truncated ? "" : msg);
          app.afterChange(true);
          return data;
        });
      });
    }

    // -- drawing: sigma, started once its container has a size -------------------------------------------

    function startRenderer() {
      var container = $("graph");
      app.renderer = new PG.Sigma(graph, container, {
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
          if (!app.visibleNodes.has(node)) { res.hidden = true; return res; }
          res.labelPriority = 0;
          if (app.neighbours.has(node) || node === app.state.focus || (app.filtered && app.visibleNodes.size <= 80)) {
            res.forceLabel = true;
            res.labelPriority = 1;
          }
          if (app.pathNodes.size) {
            if (app.pathNodes.has(node)) { res.forceLabel = true; res.zIndex = 2; res.labelPriority = 2; }
            else { res.color = "#d5dae3"; res.labelPriority = -1; }
          }
          if (node === app.state.sel) { res.highlighted = true; res.forceLabel = true; res.zIndex = 3; res.labelPriority = 3; }
          return res;
        },
        edgeReducer: function (edge, data) {
          var res = Object.assign({}, data);
          if (!app.visibleEdges.has(edge)) { res.hidden = true; return res; }
          var ends = graph.extremities(edge);
          var colour = app.edgeColour(ends[0], ends[1]);
          if (colour) res.color = colour;
          if (app.pathEdges.size) {
            if (app.pathEdges.has(edge)) { res.color = "#e0245e"; res.size = 3; res.zIndex = 2; }
            else { res.color = "#eceff3"; }
          }
          return res;
        },
      });
      app.renderer.on("afterRender", function () {
        X.labels.place(app.renderer, container);
        if (!app.firstDraw) markDrawn();
      });
      app.renderer.on("clickNode", function (ev) { app.select(ev.node); });
      app.renderer.on("enterNode", function () { container.style.cursor = "pointer"; });
      app.renderer.on("leaveNode", function () { container.style.cursor = ""; });
    }

    /** The page's mark for the first frame that shows nodes: once sigma has rendered some (not hidden), the next
     * animation frame (the one with them has then been produced) sets ``body[data-drawn="1"]`` and the performance
     * mark "explorer-drawn". ``data-ready`` waits for everything else: the ranking, the communities. */
    function markDrawn() {
      var shown = 0;
      app.visibleNodes.forEach(function (n) {
        var d = graph.hasNode(n) && app.renderer.getNodeDisplayData(n);
        if (d && !d.hidden) shown += 1;
      });
      if (!shown) return;
      var first = app.firstDraw = { nodes: shown, order: graph.order, at: null };
      requestAnimationFrame(function () {
        first.at = performance.now();
        if (performance.mark) performance.mark("explorer-drawn");
        document.body.dataset.drawn = "1";
      });
    }

    /** Sigma needs a container with a size: start it when there is one (phones lay the page out late). */
    function whenSized(start) {
      var box = $("graph");
      var sized = function () { return box.clientWidth > 0 && box.clientHeight > 0; };
      if (sized()) { start(); return; }
      var observer = new ResizeObserver(function () {
        if (sized() && !app.renderer) { observer.disconnect(); start(); }
      });
      observer.observe(box);
    }


    app.addNode = addNode;
    app.addEdge = addEdge;
    app.load = load;
    app.fitTo = fitTo;
    app.resetCamera = resetCamera;
    app.allEdgesFor = allEdgesFor;
    app.showOverview = showOverview;
    app.neighbourhood = neighbourhood;
    app.prefetchNeighbourhood = prefetchNeighbourhood;
    app.prefetchOverview = prefetchOverview;
    app.focusOn = focusOn;
    app.expand = expand;
    app.startRenderer = startRenderer;
    app.whenSized = whenSized;
  });
})();
