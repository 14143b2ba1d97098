/* 复制查询码 on a report's tracking page: the code to the clipboard, or selected where the browser
 * will not write the clipboard (a page served over plain HTTP), so a long press copies it. */
document.querySelectorAll("[data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    var code = document.getElementById("track-code");
    function select() { window.getSelection().selectAllChildren(code); }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(button.dataset.copy).then(function () {
        button.textContent = button.dataset.copied;
      }, select);
    } else {
      select();
    }
  });
});
