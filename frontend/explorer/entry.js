// The explorer's graph libraries in one browser bundle: window.PG.{Graph, Sigma, forceAtlas2}.
import Graph from "graphology";
import Sigma from "sigma";
import forceAtlas2 from "graphology-layout-forceatlas2";

export { Graph, Sigma, forceAtlas2 };
