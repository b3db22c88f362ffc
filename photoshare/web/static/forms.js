// Errors are seen: the first field with an error, or the form's note, is scrolled to the middle of the
// screen (clear of the top bar and the phone's tab bar) and focused, so a screen reader reads it with
// its message. Without this script the field's autofocus attribute does the focusing.
(function () {
  "use strict";

  function reveal() {
    var note = document.querySelector(".form-note");
    var field = document.querySelector(".field.has-error");
    var target = note || field;
    if (!target) return;
    target.scrollIntoView({ block: "center" });
    var focus = note || field.querySelector("[aria-invalid=true]") || field;
    focus.focus({ preventScroll: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reveal);
  } else {
    reveal();
  }
})();
