// Parses each HCL2 file named on the command line and prints {"<path>": <its JSON form>}; a syntax error exits 1.
import { readFile } from "node:fs/promises";
import { parse } from "@cdktf/hcl2json";

const parsed = {};
for (const path of process.argv.slice(2)) {
  try {
    parsed[path] = await parse(path, await readFile(path, "utf8"));
  } catch (error) {
    console.error(`${path}: ${error.message}`);
    process.exit(1);
  }
}
console.log(JSON.stringify(parsed));
