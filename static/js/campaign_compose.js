/* The compose page: the live message counter and the fields each choice needs.
 *
 * countSegments mirrors campaigns/segments.py exactly (the tests run the same texts
 * through both): GSM-7 160 single / 153 per part, UCS-2 70 / 67; the GSM-7 extension
 * characters take two septets and a character outside the BMP two UTF-16 units, and
 * neither is ever split across parts, so parts are filled greedily.
 * All wording lives in the template (translated); this file fills in numbers only.
 */
(function (root) {
  "use strict";

  var GSM7_BASIC = new Set(Array.from(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
  ));
  var GSM7_EXTENSION = new Set(Array.from("\f^{}\\[~]|€"));
  /* campaigns/segments.py GSM7_SUBSTITUTES: each character (of the first string) that
     forces UCS-2 and its GSM-7 look-alike. */
  var GSM7_SUBSTITUTES = new Map();
  [
    ["ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", null],
    ["\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"],
    ["\u201e\u201c\u201d\u201f\u00ab\u00bb\u2033", '"'],
    ["\u201a\u2018\u2019\u201b\u2039\u203a\u2032\u00b4\u0060", "'"],
    ["\u2026", "..."],
    ["\u00a0\u2002\u2003\u2007\u2008\u2009\u200a\u202f\u205f", " "],
    ["\u00ad\u200b\u200c\u200d\u2060\ufeff", ""]
  ].forEach(function (row) {
    Array.from(row[0]).forEach(function (ch, i) {
      GSM7_SUBSTITUTES.set(ch, row[1] === null ? "acelnoszzACELNOSZZ"[i] : row[1]);
    });
  });

  function countSegments(text) {
    var chars = Array.from(text); // code points, as Python's str
    var forcing = [];
    var seen = new Set();
    chars.forEach(function (ch) {
      if (!GSM7_BASIC.has(ch) && !GSM7_EXTENSION.has(ch) && !seen.has(ch)) {
        seen.add(ch);
        forcing.push(ch);
      }
    });
    var gsm7 = forcing.length === 0;
    var single = gsm7 ? 160 : 70;
    var part = gsm7 ? 153 : 67;
    var sizes = chars.map(function (ch) {
      if (gsm7) return GSM7_EXTENSION.has(ch) ? 2 : 1;
      return ch.codePointAt(0) > 0xffff ? 2 : 1;
    });
    var units = sizes.reduce(function (a, b) { return a + b; }, 0);
    var segments = 1, perSegment = single, used = units;
    if (units > single) {
      perSegment = part;
      used = 0;
      sizes.forEach(function (size) {
        if (used + size > part) {
          segments += 1;
          used = 0;
        }
        used += size;
      });
    }
    return {
      characters: chars.length,
      encoding: gsm7 ? "GSM-7" : "UCS-2",
      units: units,
      segments: segments,
      per_segment: perSegment,
      units_left: perSegment - used,
      ucs2_characters: forcing
    };
  }

  function gsm7Substitute(text) {
    var replaced = new Map();
    var out = Array.from(text).map(function (ch) {
      if (!GSM7_SUBSTITUTES.has(ch)) return ch;
      var substitute = GSM7_SUBSTITUTES.get(ch);
      if (!replaced.has(ch)) replaced.set(ch, substitute);
      return substitute;
    }).join("");
    return { text: out, replaced: Array.from(replaced.entries()) };
  }

  /* Whether a data-show-if rule holds: "<field>=<value> <value>…" while the field has one of
     the values, "!=" while it has none of them; rules joined by "|": while any holds.
     ``valueOf(name)`` gives a field's current value ("" when there is no such field). */
  function showIfHolds(rules, valueOf) {
    return rules.split("|").some(function (rule) {
      var negated = rule.indexOf("!=") !== -1;
      var parts = rule.split(negated ? "!=" : "=");
      var found = parts[1].split(" ").indexOf(valueOf(parts[0])) !== -1;
      return negated ? !found : found;
    });
  }

  var api = { countSegments: countSegments, gsm7Substitute: gsm7Substitute, showIfHolds: showIfHolds };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  }
  root.campaignSegments = api;

  if (typeof document === "undefined") return;

  function showable(text) {
    // Control characters, special spaces and invisible ones cannot be read in a list;
    // name them by code point instead.
    var code = text.codePointAt(0);
    var invisible = code < 32 || (code >= 127 && code <= 160) || code === 0xad ||
      (code >= 0x2000 && code <= 0x200f) || (code >= 0x2028 && code <= 0x202f) ||
      (code >= 0x205f && code <= 0x2064) || code === 0xfeff;
    return invisible ? "U+" + code.toString(16).toUpperCase().padStart(4, "0") : text;
  }

  function bindCounter(box) {
    var textarea = document.getElementById(box.dataset.counterFor);
    if (!textarea) return;
    var field = function (name) { return box.querySelector('[data-count="' + name + '"]'); };
    var replaceButton = box.querySelector('[data-action="replace-diacritics"]');
    var ucs2Note = box.querySelector("[data-ucs2-note]");
    var replacedNote = box.querySelector("[data-replaced-note]");
    var replacing = false;

    function update() {
      var count = countSegments(textarea.value);
      ["characters", "encoding", "units", "segments", "per_segment", "units_left"].forEach(function (name) {
        var el = field(name);
        if (el) el.textContent = count[name];
      });
      var list = field("ucs2_characters");
      if (list) list.textContent = count.ucs2_characters.map(showable).join(" ");
      if (ucs2Note) ucs2Note.hidden = count.encoding !== "UCS-2";
      // Offered for as long as the message is UCS-2, even when nothing is left that it
      // can replace: a click then says so, instead of the button vanishing unexplained.
      if (replaceButton) replaceButton.hidden = count.encoding !== "UCS-2";
      if (replacedNote && !replacing) replacedNote.hidden = true;
      box.dataset.encoding = count.encoding;
    }

    function reportReplaced(replaced) {
      if (!replacedNote) return;
      var deleted = replacedNote.dataset.deletedWord || "";
      replacedNote.querySelector("[data-replaced-list]").textContent = replaced.map(function (pair) {
        return showable(pair[0]) + " \u2192 " + (pair[1] === "" ? deleted : showable(pair[1]));
      }).join(", ");
      replacedNote.querySelector("[data-replaced-some]").hidden = !replaced.length;
      replacedNote.querySelector("[data-replaced-none]").hidden = replaced.length > 0;
      replacedNote.hidden = false;
    }

    if (replaceButton) {
      replaceButton.addEventListener("click", function () {
        var result = gsm7Substitute(textarea.value);
        textarea.value = result.text;
        replacing = true;
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
        replacing = false;
        reportReplaced(result.replaced);
        textarea.focus();
      });
    }
    textarea.addEventListener("input", update);
    update();
  }

  /* Blocks marked data-show-if (see showIfHolds) are shown only while their rule holds
     over the form's selects and radio groups. */
  function bindConditionalBlocks(form) {
    var blocks = Array.from(form.querySelectorAll("[data-show-if]"));
    if (!blocks.length) return;
    function valueOf(name) {
      var checked = form.querySelector('[name="' + name + '"]:checked');
      if (checked) return checked.value;
      var el = form.querySelector('[name="' + name + '"]');
      return el && el.type !== "radio" ? el.value : "";
    }
    function update() {
      blocks.forEach(function (block) {
        block.hidden = !showIfHolds(block.dataset.showIf, valueOf);
        // A choice that only makes sense with the block (the MMS attachment) goes with it.
        if (block.hidden && block.hasAttribute("data-clear-when-hidden")) {
          block.querySelectorAll("select").forEach(function (select) { select.value = ""; });
        }
      });
    }
    form.addEventListener("change", update);
    update();
  }

  /* <select multiple data-group-select>: a searchable multi-select (Tom Select, vendored)
     showing each group's member count; the select underneath stays the form's field. */
  function bindGroupSelect(select) {
    if (typeof root.TomSelect === "undefined") return; // the plain select still works
    var text = function (data) { return data.name || data.text; };
    new root.TomSelect(select, {
      plugins: { remove_button: { title: select.dataset.removeLabel } },
      placeholder: select.dataset.placeholder,
      searchField: ["name"],
      hideSelected: true,
      maxOptions: 200,
      render: {
        option: function (data, escape) {
          return '<div class="d-flex justify-content-between gap-3"><span>' + escape(text(data)) +
            '</span><span class="text-body-secondary text-nowrap small">' + escape(data.members || "") + "</span></div>";
        },
        item: function (data, escape) {
          return "<div>" + escape(text(data)) + '<span class="ms-1 opacity-75 small">(' + escape(data.members || "") + ")</span></div>";
        },
        no_results: function (data, escape) {
          return '<div class="no-results">' + escape(select.dataset.noResults || "") + "</div>";
        }
      }
    });
  }

  /* The field picker of a PERSONALIZED message: buttons for the fields the chosen groups'
     members have (asked from the server whenever the choice changes), each inserting
     {field} at the cursor; a {field} in the message that none of them has is named at
     once. With an audience file its columns are fields too, unknown here: nothing is
     flagged then (the preview checks every recipient). */
  var FIELD = /\{([A-Za-z_][\p{L}\p{N}_\-]*)\}/gu; // campaigns/services/rendering.py _PLACEHOLDER

  function bindFieldPicker(picker) {
    var form = picker.closest("form");
    var textarea = document.getElementById(picker.dataset.for);
    var buttons = picker.querySelector("[data-field-buttons]");
    var unknownBox = picker.querySelector("[data-field-unknown]");
    var unknownList = picker.querySelector("[data-field-unknown-list]");
    var groups = form.querySelector('select[name="groups"]');
    var file = form.querySelector('input[type="file"][name="audience_file"]');
    var known = null;
    var asked = 0;

    function insert(placeholder) {
      var start = textarea.selectionStart, end = textarea.selectionEnd;
      textarea.setRangeText(placeholder, start, end, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      textarea.focus();
    }

    function check() {
      var hasFile = picker.hasAttribute("data-has-file") || (file && file.files.length > 0);
      var unknown = [];
      if (known && !hasFile) {
        Array.from(textarea.value.matchAll(FIELD)).forEach(function (match) {
          if (!known.has(match[1]) && unknown.indexOf(match[0]) === -1) unknown.push(match[0]);
        });
      }
      unknownList.textContent = unknown.join(" ");
      unknownBox.hidden = unknown.length === 0;
    }

    function show(fields) {
      known = new Set(fields.map(function (field) { return field.key; }));
      buttons.replaceChildren.apply(buttons, fields.map(function (field) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-primary";
        button.textContent = field.label;
        button.title = "{" + field.key + "}";
        button.dataset.field = field.key;
        button.addEventListener("click", function () { insert("{" + field.key + "}"); });
        return button;
      }));
      check();
    }

    function load() {
      var params = new URLSearchParams();
      if (groups) Array.from(groups.selectedOptions).forEach(function (o) { params.append("groups", o.value); });
      var mine = ++asked;
      fetch(picker.dataset.fieldsUrl + "?" + params.toString(), {
        headers: { Accept: "application/json" }, credentials: "same-origin"
      }).then(function (response) {
        return response.ok ? response.json() : Promise.reject(response.status);
      }).then(function (body) {
        if (mine === asked) show(body.fields); // an older answer arriving late is dropped
      }).catch(function () { /* the preview still checks every field */ });
    }

    textarea.addEventListener("input", check);
    if (groups) groups.addEventListener("change", load);
    if (file) file.addEventListener("change", check);
    load();
  }

  function init() {
    document.querySelectorAll("select[data-group-select]").forEach(bindGroupSelect);
    document.querySelectorAll("[data-counter-for]").forEach(bindCounter);
    document.querySelectorAll("form[data-compose]").forEach(bindConditionalBlocks);
    document.querySelectorAll("[data-field-picker]").forEach(bindFieldPicker);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})(typeof window !== "undefined" ? window : globalThis);
