/* Partnergraph explorer: sizes, colours, measures (with progress) and communities (legend and list).
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
    var PALETTE = X.explorerConst.PALETTE;
    var OTHER_COMMUNITY = X.explorerConst.OTHER_COMMUNITY;
    var graph = app.graph;

    // -- sizes, colours and measures -------------------------------------------------------------------------

    function measureLabel(m) {
      return app.facets && app.facets.measures[m] ? app.facets.measures[m].label : $("size-by").selectedOptions[0].textContent;
    }

    function applySizes() {
      var measure = app.scoresFor;
      var max = 1;
      var value = function (n, a) { return measure === "degree" ? a.degree : (app.scores[n] || 0); };
      graph.forEachNode(function (n, a) { var v = value(n, a); if (v > max) max = v; });
      // Big drawings get smaller discs, so that the structure shows rather than a carpet of nodes.
      var base = graph.order > 1000 ? 1.5 : graph.order > 300 ? 2 : 3;
      var span = graph.order > 1000 ? 9 : 12;
      // On a narrow screen a big drawing's discs shrink with it (a phone shows 2,000 nodes in 390 px).
      var width = $("graph").clientWidth || 800;
      var scale = graph.order > 300 && width < 800 ? Math.max(0.55, width / 800) : 1;
      base *= scale;
      span *= scale;
      // ... and so does the size from which a node's label is considered (the biggest are labelled still).
      if (app.renderer) app.renderer.setSetting("labelRenderedSizeThreshold", 5 * scale);
      graph.forEachNode(function (n, a) {
        var colour = COLOURS[a.group] || "#777777";
        if (app.colourBy() === "community" && app.communities[n] !== undefined) {
          colour = communityColour(app.communities[n]);
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
      var measure = app.state.size;
      var job = ++measureJob.seq;
      if (measureJob.controller) measureJob.controller.abort();
      clearInterval(measureJob.timer);
      var controller = window.AbortController ? new AbortController() : null;
      measureJob.controller = controller;
      var signal = controller ? controller.signal : undefined;
      var m = app.facets.measures[measure];
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
          (extra || "") + (measure !== app.scoresFor ? " (the network is sized by " + measureLabel(app.scoresFor).toLowerCase() +
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
        if (res[0]) app.scores = res[0].scores;
        app.scoresFor = measure;
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
      node.textContent = "size: " + measureLabel(app.scoresFor).toLowerCase() +
        (app.scoresFor !== app.state.size ? " (" + measureLabel(app.state.size).toLowerCase() + " still computing)" : "");
    }

    function showRanking(data) {
      var list = $("ranking");
      list.textContent = "";
      (data.results || []).forEach(function (r) {
        var li = el("li");
        var a = el("a", r.label);
        a.href = X.pagePath(r.id);
        a.addEventListener("click", function (ev) { ev.preventDefault(); app.goTo(r.id); });
        li.appendChild(a);
        li.appendChild(el("span", " " + (typeof r.score === "number" && r.score % 1 ? r.score.toFixed(4) : r.score), "muted"));
        list.appendChild(li);
      });
    }

    /** The colour of community ``id``: the palette goes to the communities with the most entities drawn. */
    function communityColour(id) {
      var rank = app.communityRank[id];
      return rank !== undefined && rank < PALETTE.length ? PALETTE[rank] : OTHER_COMMUNITY;
    }

    /** ``hex`` mixed with white (opaque: sigma blends translucent edges unevenly). */
    function tint(hex, share) {
      var n = parseInt(hex.slice(1), 16);
      var mix = function (c) { return Math.round(c * share + 255 * (1 - share)); };
      return "rgb(" + mix(n >> 16) + "," + mix((n >> 8) & 255) + "," + mix(n & 255) + ")";
    }

    /** The colour of an edge between ``a`` and ``b`` (or null for the default): ties inside a coloured community
     * take its colour, faintly; the others step back. */
    function edgeColour(a, b) {
      if (app.colourBy() !== "community") return null;
      var ca = app.communities[a];
      if (ca === undefined) return null;
      if (ca === app.communities[b] && app.communityRank[ca] < PALETTE.length) return tints[ca] || (tints[ca] = tint(communityColour(ca), 0.4));
      return "#e3e7ee";
    }
    var tints = {};

    /** Drawn entities by community, biggest first: [[id, count], ...]. */
    function drawnCommunities() {
      var drawn = {};
      graph.forEachNode(function (n) {
        var c = app.communities[n];
        if (c !== undefined && c >= 0) drawn[c] = (drawn[c] || 0) + 1;
      });
      return Object.keys(drawn).map(function (c) { return [Number(c), drawn[c]]; })
        .sort(function (x, y) { return y[1] - x[1] || x[0] - y[0]; });
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
      var jobs = [scoresOf().then(function (d) {
        app.communities = d.scores;
        app.communityRank = {};
        tints = {};
        drawnCommunities().forEach(function (pair, rank) { app.communityRank[pair[0]] = rank; });
        // The layout pulls a coloured community together; the entities of the small ones sit by their partners.
        graph.updateEachNodeAttributes(function (n, attrs) {
          attrs.community = app.communityRank[app.communities[n]] < PALETTE.length ? app.communities[n] : undefined;
          return attrs;
        }, { attributes: ["community"] });
      })];
      if (!app.communityList) jobs.push(listOf().then(function (d) { app.communityList = d.communities || []; }));
      return Promise.all(jobs).then(function () {
        status.textContent = "";
        showCommunities();
        if (app.arrangeByCommunity) {
          // The overview settles with ties inside a community pulling harder: communities come apart as groups.
          app.arrangeByCommunity = false;
          app.layout.relax(graph.order > 1000 ? 300 : 400, null, { communities: true });
        }
      }).catch(function (error) {
        status.textContent = "Could not find communities: " + error.message;
        if (app.arrangeByCommunity) { app.arrangeByCommunity = false; app.layout.relax(250); }
      });
    }

    function showCommunities() {
      var box = $("communities-box");
      box.hidden = app.colourBy() !== "community" || !app.communityList;
      if (box.hidden) return;
      var list = $("community-list");
      list.textContent = "";
      var drawn = drawnCommunities();
      drawn.slice(0, PALETTE.length).forEach(function (pair) {
        var c = app.communityList[pair[0]] || { members: [] };
        var li = el("li");
        var mark = el("i", null, "mark circle");
        mark.style.setProperty("--c", communityColour(pair[0]));
        li.appendChild(mark);
        var size = c.size || (c.members || []).length;
        li.appendChild(document.createTextNode(" " + X.plural(size, "member") + ", " + pair[1] + " drawn: "));
        var members = el("span", null, "members");
        (c.members || []).slice(0, 5).forEach(function (m, j) {
          if (j) members.appendChild(document.createTextNode(", "));
          var a = el("a", m.label);
          a.href = X.pagePath(m.id);
          a.addEventListener("click", function (ev) { ev.preventDefault(); app.goTo(m.id); });
          members.appendChild(a);
        });
        li.appendChild(members);
        list.appendChild(li);
      });
      if (drawn.length > PALETTE.length) {
        var others = drawn.slice(PALETTE.length).reduce(function (sum, pair) { return sum + pair[1]; }, 0);
        var rest = el("li", (drawn.length - PALETTE.length) + " more communities (" + X.plural(others, "entity", "entities") +
          " drawn) in grey", "muted");
        rest.style.listStyle = "none";
        list.appendChild(rest);
      }
      $("community-list").dataset.count = String(Math.min(drawn.length, PALETTE.length));
      app.buildLegend();
    }

    function draw() {
      if (app.renderer) app.renderer.refresh();
    }

    /** After the graph or the filters changed: sizes, visibility, the counts, the results and the list. */
    function afterChange(graphChanged, push) {
      var go = function () {
        // What colours the nodes may follow the size of the drawing (community on a big overview): say so.
        if ($("colour-by").value !== app.colourBy()) {
          $("colour-by").value = app.colourBy();
          app.buildLegend();
        }
        applySizes();
        app.computeVisibility();
        var empty = app.explainEmpty();
        if (!empty && $("stage-note").classList.contains("empty")) app.note("");
        app.filterSummary();
        if (app.listOpen()) app.renderList();
        // A filter's answer is where the eye goes: the view zooms to what it left (labelled when few).
        if (push && !graphChanged && app.filtersActive(app.state) && app.visibleNodes.size && app.visibleNodes.size < graph.order) {
          app.fitTo(Array.from(app.visibleNodes));
        }
        draw();
        app.writeUrl(push);
      };
      var jobs = [];
      if (graphChanged && app.state.size !== "degree") jobs.push(loadMeasure());
      if (graphChanged && app.colourBy() === "community") jobs.push(loadCommunities());
      go();
      return Promise.all(jobs).then(function () { if (jobs.length) go(); });
    }


    app.measureLabel = measureLabel;
    app.applySizes = applySizes;
    app.pending = pending;
    app.loadMeasure = loadMeasure;
    app.legendSize = legendSize;
    app.showRanking = showRanking;
    app.loadCommunities = loadCommunities;
    app.communityColour = communityColour;
    app.edgeColour = edgeColour;
    app.showCommunities = showCommunities;
    app.draw = draw;
    app.afterChange = afterChange;
  });
})();
