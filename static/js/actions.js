/* Progressive enhancements of forms, loaded by base.html (no inline script: the CSP forbids it).
 * - [data-select-all]: a checkbox that checks or unchecks every "ids" checkbox of its form.
 * Irreversible steps confirm on the server (cqpm/core/confirmation.py), never here.
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-select-all]")) return;
    var form = box.closest("form");
    if (!form) return;
    form.querySelectorAll('input[type="checkbox"][name="ids"]').forEach(function (item) {
      item.checked = box.checked;
    });
  });
})();
