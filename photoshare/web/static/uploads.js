// Checks a chosen photo's size and type before the form is sent, so a file the server would refuse
// never takes minutes to upload only to be turned away. The message appears at the field, as the
// server's would, and nothing typed is lost. The server checks again whatever this script says.
(function () {
  "use strict";

  var TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];
  var MB = 1024 * 1024;

  function megabytes(bytes) {
    var value = bytes / MB;
    return value >= 10 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);
  }

  function problem(form, input) {
    var file = input.files && input.files[0];
    if (!file) return null;
    var limit = Number(form.dataset.maxUploadBytes);
    if (limit && file.size > limit) {
      return "That file is too large (" + megabytes(file.size) + " MB). The limit is " + megabytes(limit) + " MB.";
    }
    // An empty type (an extension the browser does not know) is left to the server to judge.
    if (file.type && TYPES.indexOf(file.type) === -1) {
      return "The file is not a JPEG, PNG, GIF or WebP image.";
    }
    return null;
  }

  function describedBy(input, id, present) {
    var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) {
      return x && x !== id;
    });
    if (present) ids.unshift(id);
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  function show(input, text) {
    var field = input.closest(".field");
    var id = input.id + "-error";
    var error = document.getElementById(id);
    if (!text) {
      if (error) error.remove();
      if (field) field.classList.remove("has-error");
      input.removeAttribute("aria-invalid");
      describedBy(input, id, false);
      return;
    }
    if (!error) {
      error = document.createElement("p");
      error.className = "field-error";
      error.id = id;
      error.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", error);
    }
    error.textContent = text;
    if (field) field.classList.add("has-error");
    input.setAttribute("aria-invalid", "true");
    describedBy(input, id, true);
  }

  function fileInputs(form) {
    return Array.prototype.slice.call(form.querySelectorAll("input[type=file]"));
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    var form = input.form;
    if (input.type !== "file" || !form || !form.dataset.maxUploadBytes) return;
    show(input, problem(form, input));
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.maxUploadBytes) return;
    var refused = fileInputs(form).filter(function (input) {
      var text = problem(form, input);
      show(input, text);
      return text !== null;
    });
    if (refused.length) {
      event.preventDefault();
      refused[0].closest(".field").scrollIntoView({ block: "center" });
      refused[0].focus({ preventScroll: true });
    }
  });
})();
