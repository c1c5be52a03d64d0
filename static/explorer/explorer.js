/* Partnergraph network explorer: sigma.js (WebGL) over a graphology graph, fed by /api/.
 * Every text from the data is put on the page with textContent (never innerHTML); labels on the network are drawn
 * on a canvas, placed so that none covers another. The view's state lives in the URL's query string: each step of
 * the exploration is a history entry (Back and Forward step through it) and a link restores it.
 *
 * This file assembles the explorer from its parts (loaded before it, each one responsibility):
 *   explorer-state.js     the state and the URL          explorer-graph.js     graph, camera, loading, sigma
 *   explorer-filters.js   filters and empty results      explorer-measures.js  sizes, colours, measures, communities
 *   explorer-paths.js     paths and their cards          explorer-views.js     tabs, selection, list view
 *   explorer-controls.js  controls, restore, download, wiring
 * Each part adds its functions to one shared object, ``app``, which also holds the state they share. */
(function () {
  "use strict";

  var X = window.PGX;
  var $ = function (id) { return document.getElementById(id); };

  X.explorerConst = {
    ID_NS: X.ID_NS,
    COLOURS: { region: "#2457c5", organization: "#d9822b", program: "#1e7a46", course: "#6aa84f", event: "#a03ca0",
      person: "#b3261e" },
    SHAPES: { region: "circle", organization: "square", program: "ring", course: "ring", event: "ring", person: "ring" },
    GROUP_NAMES: { region: "places", organization: "organisations", program: "programs", course: "courses",
      event: "events", person: "people" },
    RELATION_NAMES: { agreement: "agreements", partnership: "partnerships", "located-in": "located in",
      "part-of": "part of", "head-of": "head of", program: "program links", event: "event links" },
    TIE_RELATIONS: { agreement: true, partnership: true },
    PALETTE: ["#2457c5", "#d9822b", "#1e7a46", "#a03ca0", "#b3261e", "#00838f", "#8d6e63", "#5c6bc0", "#9e9d24",
      "#d81b60", "#6d4c41", "#26a69a"],
    OTHER_COMMUNITY: "#9aa3b2",
    TABS: ["results", "entity", "list"],
  };

  var graph = new PG.Graph({ multi: false, type: "undirected" });
  var app = {
    $: $,
    graph: graph,
    layout: X.layout.create(graph, $("graph").dataset.worker, $("layout-status")),
    renderer: null,
    facets: null,
    timeline: null,
    spans: {},
    visibleNodes: new Set(),
    visibleEdges: new Set(),
    visibleTies: new Set(),
    pathNodes: new Set(),
    pathEdges: new Set(),
    activePath: -1,
    pathData: null,
    neighbours: new Set(),
    scores: {},
    scoresFor: "degree",
    communities: {},
    communityList: null,
    communityRank: {},
    arrangeByCommunity: false,
    filtered: false,
    ready: false,
  };
  (X.explorerParts || []).forEach(function (part) { part(app); });
  app.state = app.defaults();

  app.wire();
  app.whenSized(function () { app.startRenderer(); app.draw(); });
  // What the first drawing needs is asked for now, beside the facets, not after them: a link's focused
  // neighbourhood, or the overview. The drawing does not wait for the measures, communities or timeline: it is
  // drawn (body[data-drawn]) with the nodes' own colours and sizes, which those refine when they arrive.
  var linked = new URLSearchParams(location.search || location.hash.slice(1)).get("focus");
  if (linked) app.prefetchNeighbourhood(linked);
  else app.prefetchOverview();
  X.api("/api/facets").then(function (data) {
    app.facets = data;
    app.timeline = X.timeline.create($("timeline"), function (a, b) {
      app.state.y0 = a;
      app.state.y1 = b;
      app.syncYears();
      app.afterChange(false, true);
      app.showTab("results");
    });
    X.api("/api/timeline").then(function (t) {
      app.spans = t.spans || {};
      app.timeline.setData(t);
      app.timeline.setRange(app.state.y0, app.state.y1);
      if (app.yearActive(app.state)) app.afterChange(false, false);
    }).catch(function () { $("timeline").hidden = true; });
    app.buildControls();
    app.overviewText();
    app.state = app.readUrl();
    var q = new URLSearchParams(location.search).get("q");
    if (q && !app.state.focus) $("search").value = q;
    return app.restore(app.state, null).then(function () { return app.loadMeasure(); });
  }).then(function () {
    app.writeUrl(false);
    markReady();
  }).catch(function (error) {
    app.note(error.message);
    markReady();
  });

  /** Everything of the first view loaded: body[data-ready] and the mark "explorer-ready", in the next animation
   * frame (so after the first drawing's mark, which waits for its frame too). */
  function markReady() {
    app.ready = true;
    requestAnimationFrame(function () {
      app.readyAt = performance.now();
      if (performance.mark) performance.mark("explorer-ready");
      document.body.dataset.ready = "1";
    });
  }

  // For tests and power users: the graph, the renderer and a few actions.
  window.explorer = { graph: graph, renderer: function () { return app.renderer; }, select: app.select,
    expand: app.expand, focusOn: app.focusOn, findPaths: app.findPaths, state: function () { return app.state; },
    visibleNodes: function () { return app.visibleNodes; }, layoutDone: app.layout.done,
    // The first frame with nodes: {nodes drawn, graph order, at (ms)}; and when the page was ready (ms).
    firstDraw: function () { return app.firstDraw || null; }, readyAt: function () { return app.readyAt || null; } };
})();
