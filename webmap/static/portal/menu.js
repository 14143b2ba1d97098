// The top bar's menu on narrow screens (webmap/templates/_topbar.html): the button opens and closes
// the list of pages; a tap outside or Escape closes it.
(function () {
  "use strict";
  const button = document.querySelector(".site-bar .menu-button");
  const menu = document.getElementById("site-menu");
  if (!button || !menu) return;
  function show(open) {
    menu.classList.toggle("open", open);
    button.setAttribute("aria-expanded", String(open));
  }
  button.addEventListener("click", () => show(!menu.classList.contains("open")));
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".site-bar")) show(false);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") show(false);
  });
})();
