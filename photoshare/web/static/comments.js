// Comments without a page load: the form posts with fetch, and the server's own markup of the new
// comment (escaped, its mentions and tags linked) joins the list. Without this script the forms post
// normally and the server answers with the post page at the new comment.
(function () {
  "use strict";

  function showCount(count) {
    var article = document.querySelector("article.post");
    if (!article) return;
    article.dataset.commentCount = String(count);
    var counter = article.querySelector(".comment-count");
    if (counter) {
      counter.querySelector(".count").textContent = count;
      counter.lastChild.textContent = count === 1 ? " comment" : " comments";
    }
  }

  function showError(form, message) {
    var field = form.querySelector(".field");
    var textarea = field.querySelector("textarea");
    var error = field.querySelector(".field-error");
    if (!message) {
      field.classList.remove("has-error");
      textarea.removeAttribute("aria-invalid");
      textarea.removeAttribute("aria-describedby");
      if (error) error.remove();
      return;
    }
    if (!error) {
      error = document.createElement("p");
      error.className = "field-error";
      error.id = textarea.id + "-error";
      textarea.insertAdjacentElement("afterend", error);
    }
    error.textContent = message;
    field.classList.add("has-error");
    textarea.setAttribute("aria-invalid", "true");
    textarea.setAttribute("aria-describedby", error.id);
  }

  function send(form) {
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    });
  }

  function add(form) {
    var button = form.querySelector("button[type=submit]");
    var textarea = form.querySelector("textarea");
    button.disabled = true;
    send(form).then(function (response) {
      if (response.status === 400) {
        return response.json().then(function (data) {
          var errors = (data.errors && data.errors.body) || [];
          if (!errors.length) throw new Error("refused");
          showError(form, errors.join(" "));
        });
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json().then(function (data) {
        var list = document.querySelector(".comment-list");
        list.insertAdjacentHTML("beforeend", data.html);
        var empty = document.querySelector(".no-comments");
        if (empty) empty.remove();
        showCount(data.comment_count);
        showError(form, null);
        textarea.value = "";
      });
    }).catch(function () {
      // Fall back to a normal form post, which shows the server's answer.
      form.submit();
    }).finally(function () {
      button.disabled = false;
      textarea.focus();
    });
  }

  function remove(form) {
    var item = form.closest("li.comment");
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    send(form).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (data) {
      item.remove();
      showCount(data.comment_count);
    }).catch(function () {
      form.submit();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList) return;
    if (form.classList.contains("comment-form")) {
      event.preventDefault();
      add(form);
    } else if (form.classList.contains("comment-delete-form")) {
      event.preventDefault();
      remove(form);
    }
  });
})();
