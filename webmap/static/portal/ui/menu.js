// The top bar's menu (webmap/templates/_topbar.html): the bar folds its pages behind the 菜单 button
// below 1280 px or whenever they do not fit on one line (longer English labels, an administrator's
// many pages); the button opens and closes the list; a tap outside or Escape closes it.
function wireMenu(button, menu) {
  const bar = button.closest(".site-bar");
  const WIDE = 1280;
  function fold() {
    bar.classList.remove("folded");
    const county = bar.querySelector(".county");
    const cramped = menu.scrollWidth > menu.clientWidth + 1 || (county && county.scrollWidth > county.clientWidth + 1);
    bar.classList.toggle("folded", window.innerWidth < WIDE || cramped);
  }
  fold();
  window.addEventListener("resize", fold);
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
}

const button = document.querySelector(".site-bar .menu-button");
const menu = document.getElementById("site-menu");
if (button && menu) { wireMenu(button, menu); }
