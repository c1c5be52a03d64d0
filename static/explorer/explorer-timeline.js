/* Partnergraph explorer: the timeline under the network. Ties, programs, courses and events by year (each counted
 * in the year its source gives, at the precision it gives), the undated counted beside it; dragging across it sets
 * the explorer's year filter. */
(function () {
  "use strict";
  var X = window.PGX;
  var el = X.el;
  var SVG = "http://www.w3.org/2000/svg";
  var KINDS = [["tie", "tie", "ties"], ["program", "program", "programs"], ["course", "course", "courses"],
    ["event", "event", "events"]];

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function describeBin(bin) {
    var parts = KINDS.filter(function (k) { return bin[k[0]]; }).map(function (k) {
      return X.plural(bin[k[0]], k[1], k[2]);
    });
    var p = bin.precision || {};
    var prec = [["day", "to the day"], ["month", "to the month"], ["year", "to the year only"]]
      .filter(function (x) { return p[x[0]]; }).map(function (x) { return p[x[0]] + " dated " + x[1]; });
    return bin.year + ": " + parts.join(", ") + (prec.length ? " (" + prec.join(", ") + ")" : "");
  }

  function undatedText(data) {
    var parts = KINDS.filter(function (k) { return data.undated[k[0]]; }).map(function (k) {
      return X.plural(data.undated[k[0]], k[1], k[2]);
    });
    return parts.length ? "Undated, not on the timeline: " + parts.join(", ") : "Everything is dated";
  }

  /** The timeline in ``box``; ``onRange(from, to)`` with nulls for "no bound". */
  function create(box, onRange) {
    var data = null, range = [null, null], drag = null, first = 0, last = 0;
    var area = svg("svg", { role: "img", "aria-label": "Histogram of dated ties, programs, courses and events" });
    var info = el("div", null, "timeline-info");
    var label = el("span");
    var undated = el("span");
    var clear = el("button", "all years");
    clear.type = "button";
    clear.hidden = true;
    clear.addEventListener("click", function () { onRange(null, null); });
    var left = el("span");
    left.appendChild(label);
    left.appendChild(document.createTextNode(" "));
    left.appendChild(clear);
    info.appendChild(left);
    info.appendChild(undated);
    box.appendChild(area);
    box.appendChild(info);

    function yearAt(clientX) {
      var r = area.getBoundingClientRect();
      var f = Math.max(0, Math.min(0.9999, (clientX - r.left) / Math.max(1, r.width)));
      return first + Math.floor(f * (last - first + 1));
    }

    function draw() {
      while (area.firstChild) area.removeChild(area.firstChild);
      if (!data || !data.bins.length) {
        label.textContent = data ? "No dated tie, program or course" : "";
        return;
      }
      var width = Math.max(1, area.getBoundingClientRect().width || 300), height = 74, base = 60;
      area.setAttribute("viewBox", "0 0 " + width + " " + height);
      var n = last - first + 1, w = width / n;
      var max = 1;
      data.bins.forEach(function (b) { max = Math.max(max, b.tie + b.program + b.course + b.event); });
      var lo = range[0] !== null ? range[0] : first, hi = range[1] !== null ? range[1] : last;
      if (range[0] !== null || range[1] !== null) {
        area.appendChild(svg("rect", { class: "brush", x: (lo - first) * w, y: 0, width: (hi - lo + 1) * w, height: base }));
      }
      data.bins.forEach(function (b) {
        var total = b.tie + b.program + b.course + b.event;
        var h = Math.max(2, (base - 4) * Math.sqrt(total / max));
        var inside = b.year >= lo && b.year <= hi;
        var bar = svg("rect", { class: "bar" + (inside ? " in" : ""), x: (b.year - first) * w + 1, y: base - h,
          width: Math.max(1, w - 2), height: h });
        var title = svg("title");
        title.textContent = describeBin(b);
        bar.appendChild(title);
        bar.dataset.year = String(b.year);
        area.appendChild(bar);
      });
      var step = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(width / 48))));
      for (var y = first; y <= last; y += step) {
        var t = svg("text", { class: "axis", x: (y - first) * w + 1, y: height - 2 });
        t.textContent = String(y);
        area.appendChild(t);
      }
      var active = range[0] !== null || range[1] !== null;
      label.textContent = active ? "Years " + lo + "–" + hi : "Drag across the years to filter";
      clear.hidden = !active;
    }

    area.addEventListener("pointerdown", function (ev) {
      if (!data || !data.bins.length) return;
      drag = yearAt(ev.clientX);
      area.setPointerCapture(ev.pointerId);
      range = [drag, drag];
      draw();
    });
    area.addEventListener("pointermove", function (ev) {
      if (drag === null) return;
      var y = yearAt(ev.clientX);
      range = [Math.min(drag, y), Math.max(drag, y)];
      draw();
    });
    area.addEventListener("pointerup", function () {
      if (drag === null) return;
      drag = null;
      onRange(range[0], range[1]);
    });
    if (window.ResizeObserver) new ResizeObserver(function () { draw(); }).observe(box);

    return {
      setData: function (d) {
        data = d;
        if (d.bins.length) {
          first = d.bins[0].year;
          last = d.bins[d.bins.length - 1].year;
        }
        undated.textContent = undatedText(d);
        draw();
      },
      setRange: function (a, b) { range = [a, b]; draw(); },
      bounds: function () { return data && data.bins.length ? [first, last] : null; },
      data: function () { return data; },
    };
  }

  X.timeline = { create: create, describeBin: describeBin, undatedText: undatedText };
})();
