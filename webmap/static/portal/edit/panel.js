// The editor's panel as DOM nodes (edit.js puts them in #edit-body and shows the server's answers
// with them): the ways to select, the change's form, what a drawing caught, a change's preview, and
// the texts they say. The texts come in the page's language in the panel's data-texts
// (webmap/texts/edit.py, edit.panel.*); data goes in as text, never as markup.
import { append, el, element, fill, fillNodes, joinNodes, tableOf, tableRow } from "../ui/html.js";

var T = null;

function texts() {
  if (!T) { T = JSON.parse(document.getElementById("edit-panel").getAttribute("data-texts") || "{}"); }
  return T;
}

function template(key) { return texts()[key] === undefined ? key : texts()[key]; }

// A text with its {name} parts filled, as a string.
export function text(key, values) { return fill(template(key), values); }

// A text with its {name} parts filled, as nodes: a value may be a node (a link, a muted word).
export function nodes(key, values) { return fillNodes(template(key), values); }

function number(x) { return x.toLocaleString(texts().locale || "zh-CN", { maximumFractionDigits: 2 }); }
export function km(m) { return text("km", { n: number(m / 1000) }); }
function ha(m2) { return text("ha", { n: number(m2 / 10000) }); }
function size(t) { return t.kind === "segment" ? km(t.length_m || 0) : ha(t.area_m2 || 0); }

// A unit by its name, or 未分配 greyed when there is none.
function unitName(code, name) { return code ? name || code : el("span", "muted", text("unassigned")); }

// The panel: how to select, what was caught, the change's form (``options.editable``), and the
// places the zone editor, the messages and the preview fill.
export function panelNodes(options) {
  return [
    el("h3", "", text("how")),
    choices("edit-modes", "radio", "mode", options.modes, function (m, i) { return i === 0; }),
    choices("edit-kinds", "checkbox", "kind", options.kinds, function (k) { return k.value === "segment"; }),
    element("div", { id: "edit-caught" }, nothingCaught()),
    options.editable ? [el("h3", "", text("change_to")), form(options)] : [],
    element("div", { id: "edit-outline" }),
    element("div", { id: "edit-message", "aria-live": "polite" }),
    element("div", { id: "edit-preview" })
  ];
}

function choices(id, type, name, items, checked) {
  return element("div", { class: "options", id: id }, items.map(function (item, i) {
    return element("label", null, [
      element("input", { type: type, name: name, value: item.value, checked: checked(item, i) }), " " + item.label
    ]);
  }));
}

// What nothing caught says.
export function nothingCaught() { return el("p", "muted", text("nothing")); }

function form(options) {
  function label(id, key) { return element("label", { for: id }, text(key)); }
  function select(id, first, items) {
    return element("select", { id: id }, first.concat(items).map(function (item) {
      return element("option", { value: item.value }, item.label);
    }));
  }
  return element("form", { id: "edit-form" }, [
    label("edit-unit", "unit"),
    select("edit-unit", [{ value: "", label: text("choose_unit") }], options.units.map(function (u) {
      return { value: u.code, label: u.name };
    })),
    label("edit-role", "role"), select("edit-role", [], options.roles),
    label("edit-from", "from"), element("input", { type: "date", id: "edit-from", value: options.today }),
    label("edit-reason", "reason"),
    element("textarea", { id: "edit-reason", rows: 2, placeholder: text("reason_example") }),
    element("div", { class: "wide buttons" }, [
      element("button", { type: "button", id: "edit-preview-button" }, text("preview")),
      element("button", { type: "button", class: "primary", id: "edit-apply", disabled: true }, text("apply")),
      element("button", { type: "button", id: "edit-clear" }, text("clear"))
    ])
  ]);
}

// What a drawing caught: its totals, a row a target (with its 切分 or 编辑边界 when editable), and
// 合并 when it caught more than one segment.
export function caughtNodes(body, editable) {
  var t = body.totals, parts = [];
  if (t.segments) { parts.push(text("caught_segments", { n: t.segments, length: km(t.length_m) })); }
  if (t.zones) { parts.push(text("caught_zones", { n: t.zones, area: ha(t.area_m2) })); }
  var head = [text("name"), text("lead_now"), [text("size"), "n"]].concat(editable ? [""] : []);
  var rows = body.targets.map(function (x) {
    var cells = [x.name || x.code, unitName(x.lead_unit, x.lead_unit_name), [size(x), "n"]];
    var row = tableRow(editable ? cells.concat([tool(x)]) : cells);
    row.setAttribute("data-kind", x.kind);
    row.setAttribute("data-id", x.id);
    return row;
  });
  return [
    el("h3", "", text("caught")),
    element("p", { class: "totals", id: "edit-caught-totals" }, parts.join(text("caught_joiner"))),
    tableOf(head, rows),
    editable && t.segments > 1
      ? element("div", { class: "buttons" }, element("button", { type: "button", id: "edit-merge" }, text("merge"))) : []
  ];
}

// A caught target's tool: 切分 a segment, 编辑边界 a zone.
function tool(x) {
  return x.kind === "segment"
    ? element("button", { type: "button", class: "link", "data-split": x.id }, text("split"))
    : element("button", { type: "button", class: "link", "data-outline": x.id }, text("outline"));
}

// A change's preview: who leads from when, its totals, a row a target with its unit before and after.
export function previewNodes(body) {
  var t = body.totals, unit = body.unit ? body.unit.name : "";
  var head = [text("name"), text("before_after"), [text("size"), "n"], [text("cases_moving"), "n"]];
  var rows = body.changes.map(function (c) {
    var row = tableRow([
      c.name || c.code,
      append(document.createDocumentFragment(), [
        unitName(c.old_lead && c.old_lead.code, c.old_lead && c.old_lead.name), " → ",
        unitName(c.new_lead && c.new_lead.code, c.new_lead && c.new_lead.name)
      ]),
      [size(c), "n"], [c.open_cases, "n"]
    ]);
    row.className = c.changes_lead ? "changed" : "same";
    row.setAttribute("data-id", c.id);
    return row;
  });
  return [
    el("h3", "", text(body.role === "lead" ? "preview_lead" : "preview_assist", { unit: unit, from: body.valid_from })),
    element("p", { class: "totals", id: "edit-preview-totals" }, text("preview_totals", {
      n: body.changes.length, changes: t.lead_changes, length: km(t.length_m),
      area: t.area_m2 ? text("preview_area", { area: ha(t.area_m2) }) : "", open: t.open_cases,
      staying: t.open_cases_staying ? text("preview_staying", { n: t.open_cases_staying }) : ""
    })),
    tableOf(head, rows, { id: "edit-diff" })
  ];
}

// What changed under a preview since it was drawn: each target with its lead unit now.
export function staleNodes(stale) {
  return nodes("stale", { items: joinNodes(stale.map(function (s) {
    return nodes("stale_item", { name: s.name || String(s.id), unit: unitName(s.lead_unit, s.lead_unit_name) });
  }), text("list_joiner")) });
}
