// Parse a GEXF file with graphology-gexf and print what it holds as JSON on stdout.
// Usage: node parse_gexf.mjs FILE.gexf
// Used by tests/test_export.py to check that the export reads in the JavaScript ecosystem
// (sigma.js, Gephi Lite) exactly as it does in Python.
import { readFileSync } from "node:fs";
import graphology from "graphology";
import gexf from "graphology-gexf";

const { MultiDirectedGraph } = graphology;
const text = readFileSync(process.argv[2], "utf-8");
const graph = gexf.parse(MultiDirectedGraph, text);

const out = {
  type: graph.type,
  multi: graph.multi,
  order: graph.order,
  size: graph.size,
  attributes: graph.getAttributes(),
  nodes: graph.mapNodes((key, attributes) => ({ key, attributes })),
  edges: graph.mapEdges((key, attributes, source, target) => ({ key, source, target, attributes })),
};
process.stdout.write(JSON.stringify(out));
