// The live sum of a checklist's maxima on /admin/checklists (static/portal/pages/checklist.js):
// what it counts and what it says; the server (geodata/scores/checklists.py) refuses any sum but 100.
import { test } from "node:test";
import assert from "node:assert/strict";

import { checklistSum, sumText } from "../../webmap/static/portal/pages/checklist.js";

const T = { sum: "Total {sum} / 100", ok: "ready", short: "{n} short", over: "{n} over", bad: "not a number" };

test("removed and blank rows are left out; a name without a maximum is not a number", () => {
  const rows = [
    { code: "posters", name: "无牛皮癣", max: "30" },
    { code: "parking", name: "停车有序", max: "45", remove: true },
    { code: "", name: "", max: "" },
    { code: "greening", name: "绿化", max: " 40 " },
  ];
  assert.deepEqual(checklistSum(rows), { sum: 70, bad: false });
  assert.deepEqual(checklistSum([...rows, { code: "x", name: "新项", max: "" }]), { sum: 70, bad: true });
  assert.deepEqual(checklistSum([{ code: "x", name: "", max: "1e999" }]).bad, true);
});

test("it says how far from 100, and 100 within a millionth is ready", () => {
  assert.deepEqual(sumText({ sum: 70, bad: false }, T), { text: "Total 70 / 100 · 30 short", ok: false });
  assert.deepEqual(sumText({ sum: 112.5, bad: false }, T), { text: "Total 112.5 / 100 · 12.5 over", ok: false });
  const thirds = checklistSum([{ code: "a", max: "33.3" }, { code: "b", max: "33.3" }, { code: "c", max: "33.4" }]);
  assert.deepEqual(sumText(thirds, T), { text: "Total 100 / 100 · ready", ok: true });
  assert.equal(sumText({ sum: 0, bad: true }, T).text, "Total ? / 100 · not a number");
});
