// The explorer's graph libraries in one browser bundle: window.PG.{Graph, Sigma, forceAtlas2, programs}.
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

const programs = { NodeCircleProgram, NodeSquareProgram, NodeRingProgram, EdgeLineProgram, EdgeRectangleProgram };
export { Graph, Sigma, forceAtlas2, programs };
