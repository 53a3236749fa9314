// jukiops: small progressive enhancements; every page works without this file.
document.addEventListener("click", function (ev) {
  var el = ev.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) {
    ev.preventDefault();
  }
  var p = ev.target.closest("[data-print]");
  if (p) {
    ev.preventDefault();
    window.print();
  }
});
