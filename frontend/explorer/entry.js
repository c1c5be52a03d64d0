// The explorer's graph libraries in one browser bundle: window.PG.{Graph, Sigma, forceAtlas2, programs}.
// ForceAtlas2 also runs in a worker of its own: layout-worker.js -> pg-layout-worker.min.js.
import Graph from "graphology";
import Sigma from "sigma";
import { NodeCircleProgram, EdgeLineProgram, EdgeRectangleProgram } from "sigma/rendering";
import { NodeSquareProgram } from "@sigma/node-square";
import { createNodeBorderProgram } from "@sigma/node-border";
import forceAtlas2 from "graphology-layout-forceatlas2";

// Shapes by entity group: discs (regions), squares (organisations), rings (programs, courses, events, people).
const NodeRingProgram = createNodeBorderProgram({
  borders: [
    { size: { value: 0.35 }, color: { attribute: "color" } },
    { size: { fill: true }, color: { value: "#ffffff" } },
  ],
});

// The explorer places every node label itself (no label drawn on another), so no program draws its own.
class NodeSquareNoLabelProgram extends NodeSquareProgram {
  constructor(...args) {
    super(...args);
    this.drawLabel = undefined;
  }
}

const programs = { NodeCircleProgram, NodeSquareProgram, NodeSquareNoLabelProgram, NodeRingProgram, EdgeLineProgram,
  EdgeRectangleProgram };
export { Graph, Sigma, forceAtlas2, programs };
