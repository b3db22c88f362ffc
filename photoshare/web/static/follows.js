// Follow/unfollow without a page load. Without this script the forms still post normally.
(function () {
  "use strict";

  function update(form, following, followerCount) {
    var button = form.querySelector(".follow-button");
    var name = form.closest("[data-username]");
    button.setAttribute("aria-pressed", following ? "true" : "false");
    button.textContent = following ? "Following" : "Follow";
    button.classList.toggle("primary", !following);
    if (name) {
      button.setAttribute("aria-label", (following ? "Unfollow " : "Follow ") + name.dataset.username);
    }
    form.action = following ? form.dataset.unfollowUrl : form.dataset.followUrl;
    var profile = form.closest("section.profile");
    if (profile) {
      profile.dataset.followerCount = String(followerCount);
      var counter = profile.querySelector(".follower-count");
      if (counter) {
        counter.querySelector(".count").textContent = followerCount;
        counter.querySelector(".label").textContent = followerCount === 1 ? "follower" : "followers";
      }
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("follow-form")) return;
    event.preventDefault();
    var button = form.querySelector(".follow-button");
    var following = button.getAttribute("aria-pressed") === "true";
    var url = following ? form.dataset.unfollowUrl : form.dataset.followUrl;
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
      update(form, data.following, data.follower_count);
    }).catch(function () {
      // Fall back to a normal form post, which shows the server's answer.
      form.submit();
    }).finally(function () {
      button.disabled = false;
      button.focus();
    });
  });
})();
