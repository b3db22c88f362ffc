// Like/unlike without a page reload. Without this script the forms still post normally.
(function () {
  "use strict";

  function update(form, liked, count) {
    var button = form.querySelector(".like-button");
    var article = form.closest("article.post");
    button.setAttribute("aria-pressed", liked ? "true" : "false");
    button.querySelector(".heart").textContent = liked ? "\u2665" : "\u2661";
    form.action = liked ? form.dataset.unlikeUrl : form.dataset.likeUrl;
    var counter = form.querySelector(".like-count");
    counter.querySelector(".count").textContent = count;
    counter.lastChild.textContent = count === 1 ? " like" : " likes";
    if (article) {
      article.dataset.liked = liked ? "true" : "false";
      article.dataset.likeCount = String(count);
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("like-form")) return;
    event.preventDefault();
    var button = form.querySelector(".like-button");
    var liked = button.getAttribute("aria-pressed") === "true";
    var url = liked ? form.dataset.unlikeUrl : form.dataset.likeUrl;
    button.disabled = true;
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (data) {
      update(form, data.liked, data.like_count);
    }).catch(function () {
      // Fall back to a normal form post, which shows the server's answer.
      form.submit();
    }).finally(function () {
      button.disabled = false;
      button.focus();
    });
  });
})();
