/* Partnergraph explorer: node labels placed so that none is drawn on another. Sigma hands each label it would
 * draw to ``collect``; after the frame, ``place`` draws them most important first (selection, path, focus and its
 * neighbours, then the biggest nodes), each right, left, above or below its node, wherever it covers no other. */
(function () {
  "use strict";

  var labelQueue = [];

  /** Sigma's ``defaultDrawNodeLabel``: only remember the label; ``place`` draws them all after the frame. */
  function collect(context, data) { labelQueue.push(data); }

  /** Draw the collected labels, most important first, skipping any that would cover one already drawn. */
  function place(renderer, box) {
    var canvas = renderer.getCanvases().labels;
    var ctx = canvas.getContext("2d");
    var settings = renderer.getSettings();
    var placed = [];
    var queue = labelQueue;
    labelQueue = [];
    queue.sort(function (a, b) { return (b.labelPriority || 0) - (a.labelPriority || 0) || b.size - a.size; });
    var fontSize = settings.labelSize;
    ctx.font = settings.labelWeight + " " + fontSize + "px " + settings.labelFont;
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    var drawn = [];
    var width = renderer.getDimensions().width;
    var longest = width < 500 ? 30 : 48;
    queue.forEach(function (d) {
      if (!d.label) return;
      var text = d.label.length > longest ? d.label.slice(0, longest - 2) + "…" : d.label;
      var w = ctx.measureText(text).width + 4, h = fontSize + 4, r = d.size + 3;
      // Right of the node, else left, else above, else below: the first place that covers no other label.
      var spots = [[d.x + r, d.y - h / 2], [d.x - r - w, d.y - h / 2], [d.x - w / 2, d.y - r - h], [d.x - w / 2, d.y + r]];
      var box = null;
      for (var k = 0; k < 2 * spots.length && !box; k++) {
        var c = { x: spots[k % 4][0], y: spots[k % 4][1], w: w, h: h };
        // Inside the drawing first; a label that must show (selection, path, focus) may then run over its edge.
        if ((k < 4 || !(d.labelPriority > 0)) && (c.x < 0 || c.x + w > width)) continue;
        var free = true;
        for (var i = 0; i < placed.length && free; i++) {
          var p = placed[i];
          if (c.x < p.x + p.w && p.x < c.x + c.w && c.y < p.y + p.h && p.y < c.y + c.h) free = false;
        }
        if (free) box = c;
      }
      if (!box) return;
      placed.push(box);
      drawn.push(d.key);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255,255,255,.9)";
      ctx.strokeText(text, box.x + 2, box.y + h / 2);
      ctx.fillStyle = d.labelPriority >= 2 ? "#111" : d.labelPriority < 0 ? "#a3abb8" : "#333";
      ctx.fillText(text, box.x + 2, box.y + h / 2);
    });
    box.dataset.labels = String(drawn.length);
    renderer.placedLabels = placed;
    renderer.placedLabelKeys = drawn;
  }

  window.PGX.labels = { collect: collect, place: place };
})();
