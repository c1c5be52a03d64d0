/* Partnergraph explorer: small helpers shared by its scripts (window.PGX). Every text from the data goes on the page
 * with textContent; links go only to http(s) addresses or to our own pages. */
(function () {
  "use strict";

  var ID_NS = "https://partnergraph.org/id/";
  var pending = 0;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  /** An address that is safe to link: our own page (a path starting with one "/") or http(s); else null. */
  function safeHref(href) {
    if (typeof window.safeHref === "function") return window.safeHref(href);  // static/js/safe.js, the site's rule
    if (typeof href !== "string" || !href) return null;
    if (/^\/(?!\/)/.test(href)) return href;
    try {
      var url = new URL(href, location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  /** Our page about an IRI: its entity page for our own IRIs, else a search for it. */
  function pagePath(iri) {
    return iri && iri.indexOf(ID_NS) === 0 ? "/id/" + iri.slice(ID_NS.length) : "/?q=" + encodeURIComponent(iri || "");
  }

  function link(iri, text) {
    var a = el("a", text || iri);
    var href = safeHref(pagePath(iri));
    if (href) a.href = href;
    return a;
  }

  function externalLink(href, text) {
    var safe = safeHref(href);
    if (!safe) return el("span", text || href);
    var a = el("a", text || href);
    a.href = safe;
    a.rel = "noopener noreferrer";
    return a;
  }

  function busy(delta) {
    pending += delta;
    document.body.classList.toggle("busy", pending > 0);
    document.body.dataset.pending = String(pending);
  }

  /** JSON from our API; a non-2xx answer rejects with the API's error message. ``signal`` may abort it. */
  function api(url, body, signal) {
    busy(1);
    var opts = body ? { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) } : {};
    if (signal) opts.signal = signal;
    return fetch(url, opts).then(function (response) {
      return response.json().catch(function () { return { error: response.statusText }; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(data.error || response.statusText);
          error.data = data;
          error.status = response.status;
          throw error;
        }
        return data;
      });
    }).finally(function () {
      // Counted down after the callers' own continuations (microtasks) have run: "0" means the view is settled.
      setTimeout(function () { busy(-1); }, 0);
    });
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : (many || one + "s")); }

  // Human names for properties when the API gives only a prefixed name (the ontology's labels where we know them).
  var PROPERTY_NAMES = {
    "rdf:type": "what it is", "rdfs:label": "name", "skos:prefLabel": "name", "skos:altLabel": "also written",
    "skos:hiddenLabel": "other spelling", "kp:locatedIn": "located in", "kp:country": "country",
    "kp:isoCode": "ISO code", "kp:organizer": "organiser", "kp:funder": "funded by", "kp:beneficiary": "for",
    "kp:participantOrigin": "participants from", "schema:startDate": "from", "schema:endDate": "until",
    "kp:traineeCount": "number of trainees", "kp:field": "field of cooperation", "org:unitOf": "unit of",
    "org:subOrganizationOf": "part of", "kp:evidence": "evidence", "kp:party": "party", "kp:tieKind": "kind of tie",
    "kp:signedDate": "signed", "rdfs:comment": "note", "schema:url": "web page", "foaf:homepage": "web page",
    "owl:sameAs": "same as", "skos:exactMatch": "same place as", "geo:lat": "latitude", "geo:long": "longitude",
    "dct:source": "source", "kp:headOf": "head of", "kp:partOf": "part of", "kp:row": "row",
  };

  /** The human label of a fact: what the API says (label/name), else ours, else the local name spelled out. */
  function propertyName(fact) {
    var given = fact.name || fact.humanLabel || fact.propertyLabel;
    if (given && given.indexOf(":") < 0) return given;
    var key = fact.label || "";
    if (key && key.indexOf(":") < 0) return key;
    if (PROPERTY_NAMES[key]) return PROPERTY_NAMES[key];
    var local = (key || fact.property || "").split(/[:#/]/).pop();
    return local.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  }

  /** "Paris,France,Rome,Italy" as cells (a CSV line, with quoted cells). */
  function csvCells(text) {
    var cells = [], cell = "", quoted = false;
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
        else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"') quoted = true;
      else if (c === "," || c === "\t") { cells.push(cell); cell = ""; }
      else cell += c;
    }
    cells.push(cell);
    return cells;
  }

  /** A quoted table row as a small table: column names (when known) over the cells, and the row number. */
  function rowTable(row) {
    var table = el("table", null, "row");
    // Cells as [{column, value}] (the API) or as plain strings with ``columns`` beside them.
    var cells = (row.cells || csvCells(row.text || "")).map(function (c, i) {
      return typeof c === "object" ? c : { column: (row.columns || [])[i] || "column " + (i + 1), value: c };
    });
    var head = el("tr");
    cells.forEach(function (c) { var th = el("th", c.column); th.scope = "col"; head.appendChild(th); });
    table.appendChild(head);
    var tr = el("tr");
    cells.forEach(function (c) { tr.appendChild(el("td", c.value)); });
    table.appendChild(tr);
    var where = "row " + (row.row || "?") + " of the table";  // the source is cited under it
    table.appendChild(el("caption", where));
    return table;
  }

  window.PGX = { el: el, safeHref: safeHref, pagePath: pagePath, link: link, externalLink: externalLink, api: api,
    busy: busy, plural: plural, propertyName: propertyName, csvCells: csvCells, rowTable: rowTable,
    ID_NS: ID_NS };
})();
