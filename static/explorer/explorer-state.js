/* Partnergraph explorer: the view's state and the URL (query string shared with /map): defaults, reading, writing, history.
 * One part of the explorer (static/explorer/explorer.js assembles them): its functions are put on the shared ``app``
 * object, where the other parts find them and the state they share. Texts from the data go on the page as text. */
(function () {
  "use strict";
  var X = window.PGX;
  var el = X.el;

  X.explorerParts = X.explorerParts || [];
  X.explorerParts.push(function (app) {
    var $ = app.$;
    /** Above this many entities, the overview is coloured by community unless the user chose otherwise. */
    var AUTO_COMMUNITIES = 300;
    var ID_NS = X.explorerConst.ID_NS;
    var graph = app.graph;

    function defaults() {
      return { focus: "", expand: [], sel: "", from: "", to: "", k: 3, onlyTies: false, avoidLocated: true,
        hideGroups: [], hideRelations: [], kind: "", country: "", field: "", y0: null, y1: null, size: "degree",
        colour: "" };
    }

    function countryLabel(iri) {
      if (!iri || !app.facets) return "";
      for (var i = 0; i < app.facets.countries.length; i++) if (app.facets.countries[i].id === iri) return app.facets.countries[i].label;
      return iri.split("/").pop().toUpperCase();
    }

    /** What colours the nodes: the choice made, else communities on a big overview (a single colour would say
     * nothing about 2,000 places), else the type of entity. */
    function colourBy() {
      if (app.state.colour) return app.state.colour;
      return !app.state.focus && graph.order > AUTO_COMMUNITIES ? "community" : "group";
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
      if (p.get("type") && app.facets) {
        var shown = list("type", ",");
        s.hideGroups = Object.keys(app.facets.groups).filter(function (g) { return shown.indexOf(g) < 0; });
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
      s.colour = p.get("colour") === "group" || p.get("colour") === "community" ? p.get("colour") : "";
      return s;
    }

    function urlParams() {
      var p = new URLSearchParams();
      var put = function (name, value) { if (value !== "" && value !== null && value !== undefined) p.set(name, value); };
      put("focus", app.state.focus);
      if (app.state.expand.length) p.set("expand", app.state.expand.join("|"));
      put("sel", app.state.sel);
      if (app.state.from && app.state.to) {
        p.set("from", app.state.from);
        p.set("to", app.state.to);
        if (app.state.k !== 3) p.set("k", String(app.state.k));
        if (app.state.onlyTies) p.set("ot", "1");
        if (!app.state.avoidLocated) p.set("al", "0");
      }
      if (app.state.hideGroups.length && app.facets) {
        p.set("type", Object.keys(app.facets.groups).filter(function (g) { return app.state.hideGroups.indexOf(g) < 0; }).join(","));
      }
      if (app.state.hideRelations.length) p.set("hiderel", app.state.hideRelations.join("|"));
      put("kind", app.state.kind);
      put("country", countryParam(app.state.country));
      put("field", app.state.field);
      put("from_year", app.state.y0);
      put("to_year", app.state.y1);
      if (app.state.size !== "degree") p.set("size", app.state.size);
      if (app.state.colour) p.set("colour", app.state.colour);
      return p;
    }

    /** Record the view in the URL: a new history entry (``push``) for a step of the exploration, else in place. */
    function writeUrl(push) {
      var query = urlParams().toString();
      var url = location.pathname + (query ? "?" + query : "");
      if (url !== location.pathname + location.search || location.hash) {
        if (push && app.ready) history.pushState({ pg: 1 }, "", url);
        else history.replaceState({ pg: 1 }, "", url);
      }
      // The map (/map) reads the same parameters, with the years as y0/y1.
      var forMap = urlParams();
      if (app.state.y0 !== null) forMap.set("y0", app.state.y0);
      if (app.state.y1 !== null) forMap.set("y1", app.state.y1);
      forMap.delete("from_year");
      forMap.delete("to_year");
      var mapQuery = forMap.toString();
      if ($("nav-map")) $("nav-map").href = "/map" + (mapQuery ? "?" + mapQuery : "");
    }


    app.defaults = defaults;
    app.countryLabel = countryLabel;
    app.label = label;
    app.colourBy = colourBy;
    app.note = note;
    app.countryParam = countryParam;
    app.countryFromParam = countryFromParam;
    app.readUrl = readUrl;
    app.urlParams = urlParams;
    app.writeUrl = writeUrl;
  });
})();
