/* Partnergraph explorer: ForceAtlas2 (graphology) in a web worker, so the page stays responsive while a big
 * network settles; the drawing follows the worker's steps. The worker is a same-origin script
 * (static/vendor/sigma/pg-layout-worker.min.js, built by frontend/explorer), which a CSP "script-src 'self'" allows. */
(function () {
  "use strict";
  var X = window.PGX;
  /** How much a tie between two communities pulls, against one inside a community, when arranging by community. */
  var INTER_COMMUNITY = 0.05;

  /** A layout for ``graph``: ``relax(iterations, fixed)`` starts one (a newer one replaces it), ``done()`` is a
   * promise of the current one, ``whenSettled(fn)`` runs ``fn`` once it has settled (``null`` cancels). */
  function create(graph, workerUrl, status) {
    var worker = null, id = 0, index = {}, settled = Promise.resolve(), finish = null, then = null;

    function start() {
      if (worker === null) {
        try {
          worker = new Worker(workerUrl);
          worker.onmessage = onStep;
        } catch (e) {
          worker = false;
        }
      }
      return worker;
    }

    function onStep(ev) {
      var d = ev.data;
      if (d.id !== id) return;
      // One graph event for all positions (not one per node): sigma re-indexes once per step of the layout.
      graph.updateEachNodeAttributes(function (node, attrs) {
        var i = index[node];
        if (i !== undefined && isFinite(d.x[i]) && isFinite(d.y[i])) {
          attrs.x = d.x[i];
          attrs.y = d.y[i];
        }
        return attrs;
      }, { attributes: ["x", "y"] });
      if (d.done) {
        status.textContent = "";
        if (then) { var f = then; then = null; f(); }
        if (finish) finish();
      }
    }

    function message(iterations, fixed, opts) {
      var byCommunity = !!(opts && opts.communities);
      var nodes = graph.nodes();
      var n = nodes.length;
      var msg = { id: ++id, x: new Float32Array(n), y: new Float32Array(n), size: new Float32Array(n),
        fixed: new Float32Array(n), edges: new Uint32Array(graph.size * 2), weights: new Float32Array(graph.size),
        iterations: iterations, every: n > 800 ? 50 : 25 };
      index = {};
      nodes.forEach(function (node, i) {
        var a = graph.getNodeAttributes(node);
        index[node] = i;
        msg.x[i] = a.x; msg.y[i] = a.y; msg.size[i] = a.size || 3;
        msg.fixed[i] = fixed && fixed.indexOf(node) >= 0 ? 1 : 0;
      });
      var e = 0;
      graph.forEachEdge(function (edge, attrs, s, t) {
        msg.edges[2 * e] = index[s];
        msg.edges[2 * e + 1] = index[t];
        msg.weights[e] = Math.min(3, 1 + (attrs.ties || []).length * 0.5);
        // By community: a tie between two (coloured) communities barely pulls; the others as before.
        if (byCommunity) {
          var ca = graph.getNodeAttribute(s, "community"), cb = graph.getNodeAttribute(t, "community");
          if (ca !== undefined && cb !== undefined && ca !== cb) msg.weights[e] *= INTER_COMMUNITY;
        }
        e++;
      });
      // Strong gravity keeps the small separate pieces near the big one; LinLog pulls communities apart.
      msg.settings = { barnesHutOptimize: n > 400, barnesHutTheta: 0.6, scalingRatio: n > 1000 ? 30 : 10,
        gravity: 0.5, strongGravityMode: true, linLogMode: n > 150, slowDown: 1 + Math.log(n), adjustSizes: false,
        outboundAttractionDistribution: n > 150 };
      if (byCommunity) {
        // Ordinary gravity (strong gravity presses a big network into one disc), LinLog, edge weights in full.
        Object.assign(msg.settings, { strongGravityMode: false, gravity: 0.05, linLogMode: true, scalingRatio: 30,
          edgeWeightInfluence: 1, outboundAttractionDistribution: true });
      }
      return msg;
    }

    function relax(iterations, fixed, opts) {
      if (graph.order < 2) return Promise.resolve();
      var msg = message(iterations, fixed, opts);
      var w = start();
      if (!w) {
        if (graph.order <= 1500) PG.forceAtlas2.assign(graph, { iterations: Math.min(iterations, 150), settings: msg.settings });
        return Promise.resolve();
      }
      if (finish) finish();
      status.textContent = "arranging…";
      X.busy(1);
      settled = new Promise(function (resolve) {
        var over = false;
        finish = function () {
          if (over) return;
          over = true;
          finish = null;
          X.busy(-1);
          resolve();
        };
      });
      w.postMessage(msg, [msg.x.buffer, msg.y.buffer, msg.size.buffer, msg.fixed.buffer, msg.edges.buffer,
        msg.weights.buffer]);
      return settled;
    }

    return {
      relax: relax,
      done: function () { return settled; },
      whenSettled: function (fn) {
        then = fn;
        if (fn && !finish) { then = null; fn(); }
      },
    };
  }

  X.layout = { create: create };
})();
