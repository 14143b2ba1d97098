// Validates a MapLibre GL style (the JSON file named by the first argument) with the style spec's
// own validator (@maplibre/maplibre-gl-style-spec, npm): prints each error, one a line, and exits 1
// when there is any. Run by tests/webmap/test_tilejson.py on the portal's /tiles/style.json.
import { readFileSync } from "node:fs";
import { validateStyleMin } from "@maplibre/maplibre-gl-style-spec";

const style = JSON.parse(readFileSync(process.argv[2], "utf8"));
const errors = validateStyleMin(style);
errors.forEach(function (e) { console.log(e.message); });
console.log(errors.length + " errors");
process.exit(errors.length ? 1 : 0);
