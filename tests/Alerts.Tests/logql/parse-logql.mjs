// Parses each LogQL expression of the JSON array of strings in the file named on the command line with Grafana's
// LogQL grammar, and prints [{ "expression", "kind" (MetricExpr or LogExpr), "errors" (offsets of syntax errors) }].
import { readFile } from "node:fs/promises";
import { parser } from "@grafana/lezer-logql";

const expressions = JSON.parse(await readFile(process.argv[2], "utf8"));
const results = expressions.map((expression) => {
  const tree = parser.parse(expression);
  const errors = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) {
        errors.push(node.from);
      }
    },
  });
  const expr = tree.topNode.firstChild;
  return { expression, kind: expr?.firstChild?.name ?? null, errors };
});
console.log(JSON.stringify(results));
