// ForceAtlas2 in a web worker (a same-origin script, so a strict CSP "script-src 'self'" allows it).
// In:  {id, x, y, size, fixed (Float32Arrays, one entry per node), edges (Uint32Array of index pairs),
//       weights (Float32Array), iterations, every, settings}
// Out: {id, x, y, done, iteration} every `every` iterations and once at the end.
import iterate from "graphology-layout-forceatlas2/iterate.js";
import DEFAULTS from "graphology-layout-forceatlas2/defaults.js";

const PPN = 10;
const PPE = 3;
let current = 0;

function matrices(msg) {
  const n = msg.x.length;
  const nodes = new Float32Array(n * PPN);
  for (let i = 0; i < n; i++) {
    const j = i * PPN;
    nodes[j] = msg.x[i];
    nodes[j + 1] = msg.y[i];
    nodes[j + 6] = 1;
    nodes[j + 7] = 1;
    nodes[j + 8] = msg.size[i] || 1;
    nodes[j + 9] = msg.fixed[i] ? 1 : 0;
  }
  const m = msg.edges.length / 2;
  const edges = new Float32Array(m * PPE);
  for (let e = 0; e < m; e++) {
    const s = msg.edges[2 * e] * PPN;
    const t = msg.edges[2 * e + 1] * PPN;
    const w = msg.weights ? msg.weights[e] : 1;
    nodes[s + 6] += w;
    nodes[t + 6] += w;
    edges[e * PPE] = s;
    edges[e * PPE + 1] = t;
    edges[e * PPE + 2] = w;
  }
  return { nodes, edges, n };
}

function positions(nodes, n) {
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = nodes[i * PPN];
    y[i] = nodes[i * PPN + 1];
  }
  return { x, y };
}

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.stop) {
    current = -1;
    return;
  }
  const id = (current = msg.id);
  const { nodes, edges, n } = matrices(msg);
  const settings = Object.assign({}, DEFAULTS, msg.settings || {});
  const total = msg.iterations || 300;
  const every = msg.every || 25;
  let i = 0;
  // Work in slices so a newer layout request (or a stop) can pre-empt this one between slices.
  const slice = () => {
    if (current !== id) return;
    const end = Math.min(total, i + every);
    for (; i < end; i++) iterate(settings, nodes, edges);
    const p = positions(nodes, n);
    self.postMessage({ id, x: p.x, y: p.y, iteration: i, done: i >= total }, [p.x.buffer, p.y.buffer]);
    if (i < total) setTimeout(slice, 0);
  };
  slice();
};
