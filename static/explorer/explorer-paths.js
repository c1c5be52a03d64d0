/* Partnergraph explorer: paths: asking /api/paths, highlighting them, the path cards.
 * One part of the explorer (static/explorer/explorer.js assembles them): its functions are put on the shared ``app``
 * object, where the other parts find them and the state they share. Texts from the data go on the page as text. */
(function () {
  "use strict";
  var X = window.PGX;
  var el = X.el;

  X.explorerParts = X.explorerParts || [];
  X.explorerParts.push(function (app) {
    var $ = app.$;
    var graph = app.graph;
    var relax = app.layout.relax;

    // -- paths ---------------------------------------------------------------------------------------------

    function findPaths(push) {
      var from = $("path-from").dataset.id || $("path-from").value.trim();
      var to = $("path-to").dataset.id || $("path-to").value.trim();
      if (!from || !to) { $("path-status").textContent = "Choose two entities."; return Promise.resolve(); }
      app.state.from = from;
      app.state.to = to;
      app.state.k = Math.max(1, Math.min(10, parseInt($("path-k").value, 10) || 3));
      app.state.onlyTies = $("path-only-ties").checked;
      app.state.avoidLocated = $("path-avoid-located").checked;
      var url = "/api/paths?from=" + encodeURIComponent(from) + "&to=" + encodeURIComponent(to) + "&k=" + app.state.k;
      if (app.state.onlyTies) url += "&only=tie";
      else if (app.state.avoidLocated) url += "&avoid=located-in";
      $("path-status").textContent = "Searching…";
      return X.api(url).then(function (data) {
        app.pathNodes = new Set();
        app.pathEdges = new Set();
        app.activePath = -1;
        app.pathData = data;
        $("path-from").value = data.from.label;
        $("path-from").dataset.id = data.from.id;
        $("path-to").value = data.to.label;
        $("path-to").dataset.id = data.to.id;
        app.state.from = data.from.id;
        app.state.to = data.to.id;
        var fresh = [];
        data.paths.forEach(function (hops, pi) {
          hops.forEach(function (h, hi) {
            [h.from, h.to].forEach(function (n) {
              if (!graph.hasNode(n.id)) {
                app.addNode(n, (hi + 1) * 2 + Math.random(), pi * 2 - data.paths.length + Math.random());
                fresh.push(n.id);
              }
              app.pathNodes.add(n.id);
            });
          });
        });
        return app.allEdgesFor(graph.nodes()).then(function () {
          data.paths.forEach(function (hops) {
            hops.forEach(function (h) {
              var edge = graph.edge(h.from.id, h.to.id);
              if (edge) app.pathEdges.add(edge);
            });
          });
          $("path-status").textContent = data.paths.length ? X.plural(data.paths.length, "path") + " found: see Results." :
            "No path between them with these options.";
          showPaths(data);
          app.showTab("results");
          if (push !== false && window.innerWidth <= 760) $("pane-results").scrollIntoView({ block: "start" });
          if (fresh.length) relax(200, Array.from(app.pathNodes).filter(function (n) { return fresh.indexOf(n) < 0; }));
          app.fitTo(Array.from(app.pathNodes).concat([data.from.id, data.to.id]));
          return app.afterChange(true, push !== false);
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
      app.showTab("results");
    }

    function clearPaths() {
      app.pathNodes = new Set();
      app.pathEdges = new Set();
      app.pathData = null;
      app.activePath = -1;
      app.state.from = "";
      app.state.to = "";
      $("paths").hidden = true;
      $("path-list").textContent = "";
      $("path-status").textContent = "";
      ["path-from", "path-to"].forEach(function (id) { $(id).value = ""; delete $(id).dataset.id; });
    }

    function highlightPath(i) {
      app.activePath = app.activePath === i ? -1 : i;
      var hops = app.activePath >= 0 ? [app.pathData.paths[app.activePath]] : app.pathData.paths;
      app.pathNodes = new Set();
      app.pathEdges = new Set();
      hops.forEach(function (path) {
        path.forEach(function (h) {
          app.pathNodes.add(h.from.id);
          app.pathNodes.add(h.to.id);
          var edge = graph.edge(h.from.id, h.to.id);
          if (edge) app.pathEdges.add(edge);
        });
      });
      document.querySelectorAll("#path-list > li.card").forEach(function (card, j) {
        card.classList.toggle("active", j === app.activePath);
        var b = card.querySelector(".card-head button");
        if (b) b.setAttribute("aria-pressed", j === app.activePath ? "true" : "false");
      });
      app.computeVisibility();
      app.fitTo(Array.from(app.pathNodes));
      app.draw();
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
        why.appendChild(el("p", "No chain of ties links them" + (app.state.onlyTies ? " through agreements and partnerships alone" :
          app.state.avoidLocated ? " without “located in” hops" : "") + "."));
        why.appendChild(el("p", app.state.onlyTies || app.state.avoidLocated ? "Untick the options under Find a path to allow " +
          "other links (located in, programs, events)." : "They are in separate parts of the network.", "muted"));
        list.appendChild(why);
      }
    }


    app.findPaths = findPaths;
    app.showPathError = showPathError;
    app.clearPaths = clearPaths;
    app.highlightPath = highlightPath;
    app.showPaths = showPaths;
  });
})();
