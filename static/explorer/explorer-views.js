/* Partnergraph explorer: the panel's tabs, the selection and the list view (the drawn network as two tables).
 * One part of the explorer (static/explorer/explorer.js assembles them): its functions are put on the shared ``app``
 * object, where the other parts find them and the state they share. Texts from the data go on the page as text. */
(function () {
  "use strict";
  var X = window.PGX;
  var el = X.el;

  X.explorerParts = X.explorerParts || [];
  X.explorerParts.push(function (app) {
    var $ = app.$;
    var RELATION_NAMES = X.explorerConst.RELATION_NAMES;
    var TIE_RELATIONS = X.explorerConst.TIE_RELATIONS;
    var TABS = X.explorerConst.TABS;
    var graph = app.graph;

    // -- the panel: tabs, entity, paths, list --------------------------------------------------------------



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
      app.state.sel = id;
      app.writeUrl(push !== false);
      app.draw();
      showTab("entity");
      return X.api("/api/entity?id=" + encodeURIComponent(id)).then(function (entity) {
        if (app.state.sel !== id) return;
        return X.panel.showEntity(entity, { countryLabel: app.countryLabel, onParty: function (pid) {
          if (!graph.hasNode(pid)) return false;
          select(pid);
          return true;
        } });
      });
    }

    function clearSelection() {
      app.state.sel = "";
      $("panel-empty").hidden = false;
      $("panel-entity").hidden = true;
    }

    // -- the list view: the drawn network as two tables ------------------------------------------------------

    function renderList() {
      var body = $("node-table").tBodies[0];
      body.textContent = "";
      var nodes = Array.from(app.visibleNodes).map(function (id) { return [id, graph.getNodeAttributes(id)]; });
      nodes.sort(function (a, b) { return b[1].size - a[1].size || String(a[1].label).localeCompare(String(b[1].label)); });
      var limit = 500;
      $("list-count").textContent = "(" + nodes.length + (nodes.length > limit ? ", the " + limit + " biggest listed" : "") + ")";
      nodes.slice(0, limit).forEach(function (pair) {
        var tr = el("tr");
        if (pair[0] === app.state.sel) tr.className = "selected";
        var td = el("td");
        var b = el("button", pair[1].label, "linkish");
        b.type = "button";
        b.addEventListener("click", function () { select(pair[0]); app.fitTo([pair[0]].concat(graph.neighbors(pair[0]))); });
        td.appendChild(b);
        tr.appendChild(td);
        tr.appendChild(el("td", X.panel.typeName({ type: pair[1].etype })));
        tr.appendChild(el("td", String(pair[1].degree || 0)));
        body.appendChild(tr);
      });
      var ebody = $("edge-table").tBodies[0];
      ebody.textContent = "";
      var edges = Array.from(app.visibleEdges);
      $("list-tie-count").textContent = "(" + edges.length + (edges.length > limit ? ", " + limit + " listed" : "") + ")";
      edges.slice(0, limit).forEach(function (edge) {
        var a = graph.getEdgeAttributes(edge);
        var tr = el("tr");
        tr.appendChild(el("td", app.label(graph.source(edge))));
        tr.appendChild(el("td", app.label(graph.target(edge))));
        var ties = (a.ties || []).filter(function (t) { return app.tieOk(t, app.state); });
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


    app.showTab = showTab;
    app.listOpen = listOpen;
    app.select = select;
    app.clearSelection = clearSelection;
    app.renderList = renderList;
  });
})();
