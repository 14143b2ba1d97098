// Putting data on a page (static/portal/ui/html.js): texts with {name} parts filled as strings or
// as nodes, elements, tables; data goes in as text nodes and never as markup, and the one string
// of HTML (a popup) escapes it. Node has no DOM: a small one stands in (fakeDocument), writing its
// tree back as HTML so that a test sees what a browser would have been given.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  append, element, escapeHtml, fill, fillNodes, fillParts, joinNodes, popupTable, setChildren, tableOf, tableRow
} from "../../webmap/static/portal/ui/html.js";

const MARK = "<img src=x onerror=alert(1)>&\"'";

class FakeNode {
  constructor(nodeType, name, text) {
    Object.assign(this, { nodeType, nodeName: name, data: text, childNodes: [], attributes: {}, className: "" });
  }
  appendChild(child) {
    const moved = child.nodeType === 11 ? child.childNodes.splice(0) : [child];
    this.childNodes.push(...moved);
    return child;
  }
  setAttribute(name, value) { this.attributes[name] = String(value); }
  getAttribute(name) { return name in this.attributes ? this.attributes[name] : null; }
  replaceChildren() { this.childNodes = []; }
  set textContent(text) { this.childNodes = [new FakeNode(3, "#text", String(text))]; }
  get textContent() { return this.nodeType === 3 ? this.data : this.childNodes.map((c) => c.textContent).join(""); }
}

globalThis.document = {
  createElement: (tag) => new FakeNode(1, tag),
  createTextNode: (text) => new FakeNode(3, "#text", text),
  createDocumentFragment: () => new FakeNode(11, "#fragment")
};

// The tree as HTML, text escaped as a browser would serialise it.
function html(node) {
  if (node.nodeType === 3) { return escapeHtml(node.data); }
  const inner = node.childNodes.map(html).join("");
  if (node.nodeType === 11) { return inner; }
  const attributes = Object.assign(node.className ? { class: node.className } : {}, node.attributes);
  const written = Object.keys(attributes).map((k) => ` ${k}="${escapeHtml(attributes[k])}"`).join("");
  return `<${node.nodeName}${written}>${inner}</${node.nodeName}>`;
}

function texts(node) {  // the text nodes under ``node``, in order
  return node.nodeType === 3 ? [node.data] : node.childNodes.flatMap(texts);
}

test("fill puts each named value in, leaves a name with no value as written", () => {
  assert.equal(fill("{n} 条路段，共 {length}", { n: 3, length: "0.6 公里" }), "3 条路段，共 0.6 公里");
  assert.equal(fill("#{id} {missing} {id}", { id: 7 }), "#7 {missing} 7");
  assert.equal(fill("{a}{b}", { a: "", b: 0 }), "0");
  assert.equal(fill("plain {x}", undefined), "plain {x}");
  assert.equal(fill("[{a}|{b}]", { a: null, b: undefined }), "[|]");  // a missing name in the data
  assert.equal(fill("{x}", { x: MARK }), MARK);  // a string is a string: escaping is the sink's business
});

test("fillParts cuts a text at its names and keeps node values as they are", () => {
  const link = document.createElement("a");
  assert.deepEqual(fillParts("saved; {link} ({n})", { link: link, n: 2 }), ["saved; ", link, " (", "2", ")"]);
  assert.deepEqual(fillParts("{a}{b}", { a: 1, b: 2 }), ["1", "2"]);
  assert.deepEqual(fillParts("none here", {}), ["none here"]);
  assert.deepEqual(fillParts("{x} stays", {}), ["{x} stays"]);
  assert.deepEqual(fillParts("", { x: 1 }), []);
});

test("fillNodes puts data in as text and node values as nodes", () => {
  const link = element("a", { href: "/portal/change-sets/9" }, "变更单 #9");
  const filled = fillNodes("已将“{name}”切分；{link}", { name: MARK, link: link });
  assert.equal(filled.nodeType, 11);
  assert.deepEqual(texts(filled), ["已将“", MARK, "”切分；", "变更单 #9"]);
  assert.equal(filled.childNodes[3], link);
  assert.equal(html(filled), "已将“&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;”切分；" +
    '<a href="/portal/change-sets/9">变更单 #9</a>');
});

test("element sets attributes (true empty, false and null none) and appends children", () => {
  const input = element("input", { type: "radio", name: "mode", value: "inside", checked: true, disabled: false, title: null });
  assert.deepEqual(input.attributes, { type: "radio", name: "mode", value: "inside", checked: "" });
  const label = element("label", null, [input, " " + MARK]);
  assert.equal(label.childNodes[0], input);
  assert.deepEqual(texts(label), [" " + MARK]);
  assert.equal(element("option", { value: MARK }).getAttribute("value"), MARK);  // an attribute, not markup
});

test("append takes text, numbers, nodes and arrays of them, and skips null, undefined and \"\"", () => {
  const p = append(document.createElement("p"), ["a", 0, null, undefined, "", [document.createElement("b"), ["c"]]]);
  assert.deepEqual(p.childNodes.map((c) => c.nodeName), ["#text", "#text", "b", "#text"]);
  assert.equal(p.textContent, "a0c");
  assert.equal(append(p, null), p);
});

test("setChildren replaces what a box held", () => {
  const box = append(document.createElement("div"), ["old", document.createElement("table")]);
  setChildren(box, element("p", { class: "error" }, "new"));
  assert.equal(html(box), '<div><p class="error">new</p></div>');
  setChildren(box, []);
  assert.equal(html(box), "<div></div>");
});

test("joinNodes puts the separator between parts only", () => {
  const muted = element("span", { class: "muted" }, "未分配");
  assert.equal(html(joinNodes(["a", muted, "c"], "、")), 'a、<span class="muted">未分配</span>、c');
  assert.equal(html(joinNodes(["alone"], "、")), "alone");
  assert.equal(html(joinNodes([], "、")), "");
});

test("tableOf and tableRow: a header of <th>, rows of <td>, classes where asked", () => {
  const row = tableRow([MARK, ["0.62 km", "n"], [0, "n"], ""]);
  row.setAttribute("data-id", 42);
  const table = tableOf(["名称", ["长度/面积", "n"]], [row], { id: "edit-diff" });
  assert.equal(html(table),
    '<table id="edit-diff"><thead><tr><th>名称</th><th class="n">长度/面积</th></tr></thead><tbody>' +
    '<tr data-id="42"><td>&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;</td><td class="n">0.62 km</td>' +
    '<td class="n">0</td><td></td></tr></tbody></table>');
});

test("a popup's string of HTML escapes every value and leaves out empty rows", () => {
  const popup = popupTable(MARK, [["名称", MARK], ["编号", ""], ["长度", 0]], [["详情", "/x?a=1&b='2'"]]);
  assert.ok(!popup.includes("<img"), popup);
  assert.ok(popup.includes("<h4>&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;</h4>"), popup);
  assert.ok(!popup.includes("编号") && popup.includes("<th>长度</th><td>0</td>"), popup);
  assert.ok(popup.includes("href='/x?a=1&amp;b=&#39;2&#39;'"), popup);
});
