// Auth code form: show the country only for INTER and the call settings only for VOICE.
(function () {
  "use strict";

  function update(select) {
    document.querySelectorAll("[data-variant-only]").forEach(function (block) {
      block.hidden = block.dataset.variantOnly !== select.value;
    });
  }

  function init() {
    var select = document.getElementById("id_bulk_variant");
    if (!select) {
      return;
    }
    select.addEventListener("change", function () { update(select); });
    update(select);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
