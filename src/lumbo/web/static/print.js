// The "Print this page" button of printable pages (no inline script: the pages' CSP forbids it).
(function () {
  "use strict";
  var button = document.getElementById("sa-print");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
