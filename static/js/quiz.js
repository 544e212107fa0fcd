/* Answers to immediate-feedback quizzes, sent without a page load.
 *
 * The feedback replaces the question in place, focus moves to it, and its
 * verdict is spoken through the live region (#quiz-status) that was in the
 * page before the answer. Without this script the form posts as usual: the
 * feedback page then opens at the feedback, which takes the focus, and its
 * title starts with the verdict.
 */
(function () {
  "use strict";

  var status = document.getElementById("quiz-status");
  if (!status || !window.fetch || !window.DOMParser) {
    return;
  }
  var sending = false;

  function text(elements) {
    return Array.prototype.map.call(elements, function (element) {
      return element.textContent;
    });
  }

  function replaceMessages(page) {
    var main = document.getElementById("main");
    var old = main.querySelector(".messages");
    var fresh = page.querySelector(".messages");
    if (old) {
      old.remove();
    }
    if (!fresh) {
      return [];
    }
    main.insertBefore(fresh, main.firstChild);
    return [fresh.textContent];
  }

  function show(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var body = page.getElementById("quiz-body");
    var current = document.getElementById("quiz-body");
    if (!body || !current) {
      window.location.reload();
      return;
    }
    current.replaceWith(body);
    document.title = page.title;
    var words = replaceMessages(page).concat(
      text(body.querySelectorAll("[data-announce]"))
    );
    var target = document.getElementById("feedback") ||
      body.querySelector("[autofocus]");
    if (target) {
      // Focusing a section taller than the screen centres it, which hides
      // its verdict above the fold; open it at its top, as the page load
      // without JavaScript does (#feedback).
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "start" });
    }
    // Spoken a moment after the focus moves, so that the two do not clash.
    window.setTimeout(function () {
      status.textContent = words.join(" ").replace(/\s+/g, " ").trim();
    }, 150);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-answer-form")) {
      return;
    }
    event.preventDefault();
    if (sending) {
      return;
    }
    sending = true;
    status.textContent = "";
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      // Asks for the question with its feedback as the answer itself,
      // rather than a redirect to it: one round trip instead of two.
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        // Sent on to anywhere but this question (a finished attempt, say):
        // go there. The feedback, or a refused answer, comes back as it is.
        var elsewhere = new URL(response.url).pathname !== window.location.pathname;
        if (response.redirected && elsewhere) {
          window.location.assign(response.url);
          return null;
        }
        return response.text().then(show);
      })
      .catch(function () {
        // Offline or refused: fall back to an ordinary post.
        form.submit();
      })
      .then(function () {
        sending = false;
      });
  });
})();
