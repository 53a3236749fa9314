// jukiops: small progressive enhancements; every page works without this file.
document.addEventListener("click", function (ev) {
  var p = ev.target.closest("[data-print]");
  if (p) {
    ev.preventDefault();
    window.print();
  }
});
