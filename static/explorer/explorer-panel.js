/* Partnergraph explorer: the entity in the side panel, for people. A summary first (what it is, where, partners
 * with since-when, sources), then its ties with the sources' words, then the remaining facts, each once with all
 * its sources; quoted table rows as rows. Reads /api/entity (graph/entities.describe) and falls back gracefully when a
 * field is missing. */
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

  function factKey(fact) { return fact.curie || fact.label || fact.property || ""; }

  function summaryFacts(entity) {
    return entity.summary && typeof entity.summary === "object" ? entity.summary.facts || [] : [];
  }

  function factNamed(entity, key) {
    return summaryFacts(entity).concat(entity.facts || []).filter(function (f) { return factKey(f) === key; })[0];
  }

  function sourceList(sources) {
    // A value's sources: [{id, title, n}] (or plain IRIs), as " [1, 3]" (numbered as in the summary) or " — A; B".
    var span = el("span", null, "sources-inline");
    (sources || []).forEach(function (s, i) {
      var id = typeof s === "string" ? s : s.id || s.source;
      var title = typeof s === "string" ? s : s.title || id;
      var numbered = typeof s === "object" && s.n;
      span.appendChild(document.createTextNode(i ? (numbered ? ", " : "; ") : numbered ? " [" : " — "));
      var a = X.link(id, numbered ? String(s.n) : title);
      if (numbered) a.title = title;
      span.appendChild(a);
      if (numbered && i === sources.length - 1) span.appendChild(document.createTextNode("]"));
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
    if (entity.summary && entity.summary.sources) {
      entity.summary.sources.forEach(function (src) { found[src.id] = (src.n ? src.n + ". " : "") + (src.title || src.id); });
      return found;
    }
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
    ((entity.summary && entity.summary.partners) || []).forEach(function (p) {
      var row = byId[p.id] || (byId[p.id] = { id: p.id, label: p.label, kinds: [], since: null });
      if (p.since && (!row.since || p.since < row.since)) row.since = p.since;
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

    var dl = el("dl", null, "facts");
    summaryFacts(entity).forEach(function (fact) {
      var key = factKey(fact);
      if (key === "kp:locatedIn" || key === "kp:country" || !(fact.values || []).length) return;
      appendFact(dl, fact);
    });
    if (dl.childNodes.length) box.appendChild(dl);

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

  /** One fact: its human name, then each value once with all the sources that state it. */
  function appendFact(dl, fact) {
    dl.appendChild(el("dt", X.propertyName(fact)));
    var dd = el("dd");
    var lines = fact.values.map(function (v) {
      var line = el("div");
      line.appendChild(valueNode(v));
      line.appendChild(sourceList(v.sources));
      dd.appendChild(line);
      return line;
    });
    // A long list (a gazetteer's forty spellings of a city) folds after a few, so the ties stay near the top.
    if (lines.length > FOLD_AFTER) {
      lines.slice(FOLD_AFTER).forEach(function (line) { line.hidden = true; });
      var more = el("button", "show all " + lines.length, "linkish more-values");
      more.type = "button";
      more.addEventListener("click", function () {
        lines.forEach(function (line) { line.hidden = false; });
        more.remove();
      });
      dd.appendChild(more);
    }
    dl.appendChild(dd);
  }
  var FOLD_AFTER = 6;

  function facts(entity) {
    var box = $("sel-facts");
    box.textContent = "";
    var dl = el("dl", null, "facts");
    var count = 0;
    (entity.facts || []).forEach(function (fact) {
      if (SHOWN[factKey(fact)] || !(fact.values || []).length) return;
      count++;
      appendFact(dl, fact);
    });
    if (count) box.appendChild(dl);
    var quotes = (entity.evidence || []).filter(function (e) { return e.quote || (e.rows || []).length; });
    if (quotes.length) {
      box.appendChild(el("h4", "What the sources say about it"));
      quotes.forEach(function (ev) {
        sourceWords(ev).forEach(function (node) { box.appendChild(node); });
        var cite = el("p", "— ", "muted cite");
        cite.appendChild(X.link(ev.source, ev.title || ev.source));
        box.appendChild(cite);
      });
    }
    $("sel-facts-title").hidden = !count && !quotes.length;
  }

  function quoteNode(s) { return el("blockquote", s.quote, "quote"); }

  /** A source's words: each quote, and each table row as a row with its column names and number. */
  function sourceWords(s) {
    var out = [];
    var quotes = s.quotes && s.quotes.length ? s.quotes : s.quote ? [s.quote] : [];
    quotes.forEach(function (q) { out.push(quoteNode({ quote: q, source: s.source })); });
    (s.rows || []).forEach(function (r) { out.push(X.rowTable({ row: r.row, cells: r.cells })); });
    return out;
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
      sourceWords(s).forEach(function (node) { li.appendChild(node); });
      var cite = el("div", "source: ", "muted cite");
      cite.appendChild(X.link(s.source, s.title || s.source));
      li.appendChild(cite);
    });
    return li;
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
  }

  X.panel = { showEntity: showEntity, tieItem: tieItem, sourceWords: sourceWords, typeName: typeName };
})();
