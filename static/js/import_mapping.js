// The mapping screen sends every column's choice in one field ("columns", JSON) instead of
// two fields per column: with 499 columns or more the form would pass Django's limit of
// 1,000 fields and could never be submitted (contacts/imports/forms.py reads it back).
(function () {
  "use strict";

  var PER_COLUMN = /^(col|key)_\d+$/;

  function pack(formData) {
    var packed = {};
    Array.from(formData.keys()).forEach(function (name) {
      if (PER_COLUMN.test(name)) { packed[name] = formData.get(name); }
    });
    Object.keys(packed).forEach(function (name) { formData.delete(name); });
    formData.set("columns", JSON.stringify(packed));
  }

  var form = document.getElementById("mapping-form");
  if (!form) { return; }
  form.addEventListener("formdata", function (event) { pack(event.formData); });
  // The live preview: htmx posts the same form on every change.
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt.closest && event.detail.elt.closest("#mapping-form")) {
      pack(event.detail.formData);
    }
  });
})();
