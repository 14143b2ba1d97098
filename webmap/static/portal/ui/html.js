/* Putting data on a page. Pages build DOM nodes and set textContent: el and element make nodes,
 * append and setChildren put text and nodes in them, fillNodes fills a text's {name} parts with
 * text or nodes, tableOf and tableRow make tables. Where Leaflet or ECharts wants a string of
 * HTML (a popup, a tooltip, a formatter) every value goes through the one escapeHtml (STYLE.md 12b).
 */

export function escapeHtml(text) {
  return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

// A popup: a title, rows of [label, value] (empty values left out) and links of [label, href].
export function popupTable(title, rows, links) {
  var html = "<div class='portal-popup'><h4>" + escapeHtml(title) + "</h4><table>";
  rows.forEach(function (r) {
    if (r[1] !== null && r[1] !== undefined && r[1] !== "") {
      html += "<tr><th>" + escapeHtml(r[0]) + "</th><td>" + escapeHtml(r[1]) + "</td></tr>";
    }
  });
  html += "</table>";
  if (links && links.length) {
    html += "<p class='popup-links'>" + links.map(function (l) {
      return "<a href='" + escapeHtml(l[1]) + "'>" + escapeHtml(l[0]) + "</a>";
    }).join("") + "</p>";
  }
  return html + "</div>";
}

// An element with a class and a text (each optional).
export function el(tag, className, text) {
  var e = document.createElement(tag);
  if (className) { e.className = className; }
  if (text !== undefined) { e.textContent = text; }
  return e;
}

// An element with attributes ({name: value}; true sets an empty one, false, null and undefined
// none) and children (see append).
export function element(tag, attributes, children) {
  var e = document.createElement(tag);
  Object.keys(attributes || {}).forEach(function (name) {
    var value = attributes[name];
    if (value === true) { e.setAttribute(name, ""); }
    else if (value !== false && value !== null && value !== undefined) { e.setAttribute(name, String(value)); }
  });
  return append(e, children);
}

// Appends to ``parent`` each child: a node as it is, a string or a number as a text node, an array
// child by child; null, undefined and "" add nothing. Returns ``parent``.
export function append(parent, children) {
  if (children === null || children === undefined || children === "") { return parent; }
  if (Array.isArray(children)) {
    children.forEach(function (child) { append(parent, child); });
  } else {
    parent.appendChild(children.nodeType ? children : document.createTextNode(String(children)));
  }
  return parent;
}

// ``parent`` holding ``children`` (see append) instead of what it held. Returns ``parent``.
export function setChildren(parent, children) {
  parent.replaceChildren();
  return append(parent, children);
}

// A text's {name} parts filled from ``values``, as a string; a name with no value stays as written.
export function fill(template, values) {
  return fillParts(template, values).join("");
}

// A text cut at its {name} parts: the pieces of text and, between them, the values, a node as it
// is and anything else as a string (null and undefined as "", as escapeHtml has them); a name with
// no value stays as written.
export function fillParts(template, values) {
  var parts = [], at = 0, pattern = /\{(\w+)\}/g, found, value;
  template = String(template);
  while ((found = pattern.exec(template)) !== null) {
    if (!values || !(found[1] in values)) { continue; }
    if (found.index > at) { parts.push(template.slice(at, found.index)); }
    value = values[found[1]];
    parts.push(value && value.nodeType ? value : String(value == null ? "" : value));
    at = pattern.lastIndex;
  }
  if (at < template.length) { parts.push(template.slice(at)); }
  return parts;
}

// A text with its {name} parts filled, as nodes: the text and text values as text nodes, node
// values (a link, a muted word) as they are. A node value goes in once: name it once in the text.
export function fillNodes(template, values) {
  return append(document.createDocumentFragment(), fillParts(template, values));
}

// ``parts`` (text or nodes) with ``separator`` between them, as nodes.
export function joinNodes(parts, separator) {
  var joined = document.createDocumentFragment();
  parts.forEach(function (part, i) { append(joined, i ? [separator, part] : part); });
  return joined;
}

// A table row of <td> cells (or <th>): each cell its content (text, a number or a node) or
// [content, className].
export function tableRow(cells, cellTag) {
  var row = document.createElement("tr");
  cells.forEach(function (cell) {
    var pair = Array.isArray(cell) ? cell : [cell, ""];
    row.appendChild(append(el(cellTag || "td", pair[1]), pair[0]));
  });
  return row;
}

// A table of a header row (``head``: cells as tableRow takes them) and ``rows`` (<tr> nodes).
export function tableOf(head, rows, attributes) {
  return element("table", attributes, [
    element("thead", null, tableRow(head, "th")), element("tbody", null, rows)
  ]);
}
