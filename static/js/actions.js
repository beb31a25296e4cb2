/* Progressive enhancements of forms, loaded by base.html (no inline script: the CSP forbids it).
 * - [data-select-all]: a checkbox that checks or unchecks every "ids" checkbox of its form.
 * - form[data-confirm="…"]: asks for confirmation in a <dialog> before submitting. Without
 *   JavaScript the server's own confirmation page answers (the form then lacks "confirme").
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

  function dialogFor(form) {
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-text");
    var text = document.createElement("p");
    text.id = "confirm-dialog-text";
    text.textContent = form.getAttribute("data-confirm");
    var buttons = document.createElement("div");
    buttons.className = "d-flex gap-2 justify-content-end";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "btn btn-outline-secondary";
    cancel.textContent = form.getAttribute("data-confirm-cancel") || "Annuler";
    var ok = document.createElement("button");
    ok.type = "button";
    ok.className = "btn btn-danger";
    ok.textContent = form.getAttribute("data-confirm-ok") || "Confirmer";
    buttons.append(cancel, ok);
    dialog.append(text, buttons);
    cancel.addEventListener("click", function () { dialog.close(); dialog.remove(); });
    ok.addEventListener("click", function () {
      var flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "confirme";
      flag.value = "1";
      form.append(flag);
      form.dataset.confirmed = "1";
      dialog.close();
      dialog.remove();
      form.requestSubmit ? form.requestSubmit() : form.submit();
    });
    return dialog;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-confirm]") || form.dataset.confirmed) return;
    if (typeof HTMLDialogElement !== "function") return; /* the server's page will ask */
    event.preventDefault();
    var dialog = dialogFor(form);
    document.body.append(dialog);
    dialog.showModal();
  });
})();
