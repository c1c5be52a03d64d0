/* Partnergraph explorer: the entity in the side panel, for people. A summary first (what it is, where, partners
 * with since-when, sources), then its ties with the sources' words, then the remaining facts, each once with all
 * its sources. Reads /api/entity as it comes and falls back gracefully when a field is missing. */
(function () {
  "use strict";
  var X = window.PGX;
  var el = X.el;
  var $ = function (id) { return document.getElementById(id); };

  // Facts the summary or the header already say, or that are bookkeeping: not repeated under "Other facts".
  var SHOWN = { "rdf:type": 1, "rdfs:label": 1, "skos:prefLabel": 1, "kp:country": 1, "kp:locatedIn": 1,
    "kp:evidence": 1, "kp:party": 1 };
  var TYPE_NAMES = { TrainingCourse: "training course", TrainingProgram: "training program", AidProject: "aid project",
    MedicalAidProject: "medical aid project", ExchangeProgram: "exchange program", MetropolitanCity: "metropolitan city",
    EconomicZone: "economic zone", GovernmentDepartment: "government department", SourceDocument: "source document" };

  function typeName(entity) {
    var t = entity.typeLabel || entity.type || "";
    if (TYPE_NAMES[t]) return TYPE_NAMES[t];
    return t ? t.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase() : "entity";
  }

  function factKey(fact) { return fact.label || fact.property || ""; }

  function factNamed(entity, key) {
    return (entity.facts || []).filter(function (f) { return factKey(f) === key; })[0];
  }

  function sourceList(sources) {
    // A value's sources: [{id, title}] (or plain IRIs), as "source: A; B".
    var span = el("span", null, "sources-inline");
    (sources || []).forEach(function (s, i) {
      var id = typeof s === "string" ? s : s.id || s.source;
      var title = typeof s === "string" ? s : s.title || id;
      span.appendChild(document.createTextNode(i ? "; " : " — "));
      span.appendChild(X.link(id, title));
    });
    return span;
  }

  function valueNode(v) {
    if (v.iri) return X.link(v.value, v.label || v.value.split(/[#/]/).pop());
    return document.createTextNode(v.label || v.value);
  }

  /** Every source named anywhere on the entity: id -> title. */
  function allSources(entity) {
    var found = {};
    var add = function (id, title) { if (id && !found[id]) found[id] = title || id; };
    (entity.facts || []).forEach(function (f) {
      (f.values || []).forEach(function (v) {
        (v.sources || []).forEach(function (s) { add(typeof s === "string" ? s : s.id, s.title); });
      });
    });
    (entity.ties || []).forEach(function (t) { (t.sources || []).forEach(function (s) { add(s.source, s.title); }); });
    (entity.evidence || []).forEach(function (e) { add(e.source, e.title); });
    return found;
  }

  /** Partners from the ties: the other party, the kind, and since when (the earliest dated tie). */
  function partners(entity) {
    var byId = {};
    (entity.ties || []).forEach(function (t) {
      (t.parties || []).forEach(function (p) {
        if (p.id === entity.id) return;
        var row = byId[p.id] || (byId[p.id] = { id: p.id, label: p.label, kinds: [], since: null });
        if (t.kindLabel && row.kinds.indexOf(t.kindLabel) < 0) row.kinds.push(t.kindLabel);
        if (t.date && (!row.since || t.date < row.since)) row.since = t.date;
      });
    });
    return Object.keys(byId).map(function (k) { return byId[k]; }).sort(function (a, b) {
      return (a.since || "9999").localeCompare(b.since || "9999") || a.label.localeCompare(b.label);
    });
  }

  function summary(entity, countryLabel) {
    var box = $("sel-summary");
    box.textContent = "";
    var what = el("p");
    what.appendChild(el("strong", entity.label));
    what.appendChild(document.createTextNode(" is a " + typeName(entity)));
    var located = factNamed(entity, "kp:locatedIn");
    var where = [];
    if (located) located.values.forEach(function (v) { where.push(v); });
    if (where.length) {
      what.appendChild(document.createTextNode(" in "));
      where.forEach(function (v, i) {
        if (i) what.appendChild(document.createTextNode(", "));
        what.appendChild(valueNode(v));
      });
    }
    var country = countryLabel(entity.country);
    if (country && entity.country !== entity.id) what.appendChild(document.createTextNode(" (" + country + ")"));
    what.appendChild(document.createTextNode("."));
    box.appendChild(what);
    if (entity.summary && typeof entity.summary === "string") box.appendChild(el("p", entity.summary));

    var list = partners(entity);
    if (list.length) {
      box.appendChild(el("p", X.plural(list.length, "partner") + " by agreement or partnership:"));
      var ul = el("ul");
      list.slice(0, 8).forEach(function (p) {
        var li = el("li");
        li.appendChild(X.link(p.id, p.label));
        var bits = [p.kinds.join(", "), p.since ? "since " + p.since : "date not given"].filter(Boolean);
        li.appendChild(el("span", " — " + bits.join(", "), "muted"));
        ul.appendChild(li);
      });
      if (list.length > 8) ul.appendChild(el("li", "and " + (list.length - 8) + " more under Ties", "muted"));
      box.appendChild(ul);
    } else {
      box.appendChild(el("p", "No agreement or partnership names it as a party.", "muted"));
    }
    var sources = allSources(entity);
    var ids = Object.keys(sources);
    if (ids.length) {
      var p = el("p", X.plural(ids.length, "source") + ": ", "muted");
      ids.forEach(function (id, i) {
        if (i) p.appendChild(document.createTextNode("; "));
        p.appendChild(X.link(id, sources[id]));
      });
      box.appendChild(p);
    }
  }

  function facts(entity) {
    var box = $("sel-facts");
    box.textContent = "";
    var dl = el("dl", null, "facts");
    var count = 0;
    (entity.facts || []).forEach(function (fact) {
      if (SHOWN[factKey(fact)] || !(fact.values || []).length) return;
      count++;
      dl.appendChild(el("dt", X.propertyName(fact)));
      var dd = el("dd");
      fact.values.forEach(function (v, i) {
        var line = el("div");
        line.appendChild(valueNode(v));
        line.appendChild(sourceList(v.sources));
        dd.appendChild(line);
        if (i > 20) return;
      });
      dl.appendChild(dd);
    });
    if (count) box.appendChild(dl);
    var quotes = (entity.evidence || []).filter(function (e) { return e.quote; });
    if (quotes.length) {
      box.appendChild(el("h4", "What the sources say about it"));
      quotes.forEach(function (ev) {
        box.appendChild(quoteNode({ quote: ev.quote, source: ev.source }));
        var cite = el("p", "— ", "muted cite");
        cite.appendChild(X.link(ev.source, ev.title || ev.source));
        box.appendChild(cite);
      });
    }
    $("sel-facts-title").hidden = !count && !quotes.length;
  }

  /** A source's words; marked so that a quoted table row can be shown as a row once /api/rows answers. */
  function quoteNode(s) {
    var block = el("blockquote", s.quote, "quote");
    block.dataset.source = s.source || "";
    block.dataset.quote = s.quote || "";
    return block;
  }

  function tieItem(tie, self, onParty, noParties) {
    var li = el("li", null, "tie");
    var head = el("div");
    head.appendChild(X.link(tie.id, tie.label));
    var meta = [tie.kindLabel, tie.date || "date not given"].filter(Boolean).join(" · ");
    head.appendChild(el("span", " " + meta, "muted"));
    li.appendChild(head);
    var others = (tie.parties || []).filter(function (p) { return p.id !== self; });
    if (others.length && !noParties) {
      var with_ = el("div", "with ", "muted");
      others.forEach(function (p, i) {
        if (i) with_.appendChild(document.createTextNode(", "));
        var a = X.link(p.id, p.label);
        if (onParty) a.addEventListener("click", function (ev) { if (onParty(p.id)) ev.preventDefault(); });
        with_.appendChild(a);
      });
      li.appendChild(with_);
    }
    (tie.sources || []).forEach(function (s) {
      if (s.quote) li.appendChild(quoteNode(s));
      var cite = el("div", "source: ", "muted cite");
      cite.appendChild(X.link(s.source, s.title || s.source));
      li.appendChild(cite);
    });
    return li;
  }

  /** Replace quoted table rows under ``root`` by small tables (column names, cells, row number). */
  function upgradeRows(root, ids) {
    var blocks = root.querySelectorAll("blockquote.quote[data-quote]");
    if (!blocks.length || !ids.length) return Promise.resolve();
    return X.api("/api/rows", { ids: ids.slice(0, 500) }).then(function (data) {
      var byKey = {};
      (data.rows || []).forEach(function (r) { byKey[(r.source || "") + "\n" + r.text] = r; });
      Array.prototype.forEach.call(blocks, function (b) {
        var row = byKey[b.dataset.source + "\n" + b.dataset.quote];
        if (row && b.parentNode) b.parentNode.replaceChild(X.rowTable(row), b);
      });
    }).catch(function () { /* the quotes stay as they are */ });
  }

  function showEntity(entity, ctx) {
    $("panel-empty").hidden = true;
    $("panel-entity").hidden = false;
    $("sel-label").textContent = entity.label;
    $("sel-type").textContent = typeName(entity);
    $("sel-type").dataset.group = entity.group || "";
    $("sel-where").textContent = ctx.countryLabel(entity.country);
    var page = X.safeHref(X.pagePath(entity.id));
    if (page) $("sel-page").href = page;
    $("btn-expand").disabled = !entity.degree;
    $("btn-focus").disabled = !entity.degree;
    summary(entity, ctx.countryLabel);
    var ties = entity.ties || [];
    $("sel-ties-title").textContent = "Ties (" + ties.length + ")";
    var list = $("sel-ties");
    list.textContent = "";
    ties.forEach(function (tie) { list.appendChild(tieItem(tie, entity.id, ctx.onParty)); });
    if (!ties.length) list.appendChild(el("li", "No agreement or partnership names it as a party.", "muted"));
    facts(entity);
    var ids = [entity.id].concat(ties.map(function (t) { return t.id; }));
    return upgradeRows($("panel-entity"), ids);
  }

  X.panel = { showEntity: showEntity, tieItem: tieItem, quoteNode: quoteNode, upgradeRows: upgradeRows,
    typeName: typeName };
})();
