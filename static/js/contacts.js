// Contacts tables: "select all" checkboxes, and a confirmation before destructive buttons.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var box = event.target;
    var name = box.getAttribute && box.getAttribute("data-select-all");
    if (!name) { return; }
    var form = box.form || document;
    form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (other) {
      other.checked = box.checked;
    });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-confirm]");
    if (!button) { return; }
    var needs = button.getAttribute("data-needs-selection");
    if (needs && button.form &&
        !button.form.querySelector('input[name="' + needs + '"]:checked')) {
      event.preventDefault();
      window.alert(button.getAttribute("data-empty-message") || "Tick at least one row first.");
      return;
    }
    if (!window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
