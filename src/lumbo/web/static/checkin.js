/* Check-in page: each range slider shows its value in its <output>. */
(function () {
  "use strict";
  document.querySelectorAll("input[type=range][data-output]").forEach(function (r) {
    var out = document.getElementById(r.dataset.output);
    var show = function () { out.textContent = r.value; };
    r.addEventListener("input", show); show();
  });
})();
