/* The one way data goes into a string of HTML, where Leaflet or ECharts wants one (a popup, a
 * tooltip, a formatter): every value through escapeHtml (STYLE.md 12b). Elsewhere pages build DOM
 * nodes and set textContent.
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
