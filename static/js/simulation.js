/* Simulation turns sent without a page load.
 *
 * The choice is posted as the form would post it; the server answers with
 * a redirect to the run's page (the next step) or to the debrief. The next
 * step replaces the old one in place, focus moves to its heading, and the
 * live region (#sim-status) says a new turn began. The debrief is a page
 * of its own, so the browser goes there. Without this script, or if the
 * request fails, the form posts as usual (Post/Redirect/Get).
 */
(function () {
  "use strict";

  var status = document.getElementById("sim-status");
  if (!status || !window.fetch || !window.DOMParser) {
    return;
  }
  var sending = false;

  function replaceMessages(page) {
    var main = document.getElementById("main");
    var old = main.querySelector("[role=status] .messages");
    var fresh = page.querySelector("[role=status] .messages");
    if (old) {
      old.parentNode.remove();
    }
    if (!fresh) {
      return [];
    }
    main.insertBefore(fresh.parentNode, main.firstChild);
    return [fresh.textContent];
  }

  function show(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var body = page.getElementById("sim-body");
    var current = document.getElementById("sim-body");
    if (!body || !current) {
      window.location.reload();
      return;
    }
    current.replaceWith(body);
    document.title = page.title;
    var turn = document.getElementById("sim-step-title");
    var narration = body.querySelector(".sim__narration");
    var words = replaceMessages(page);
    var errors = body.querySelectorAll("[data-announce]");
    Array.prototype.forEach.call(errors, function (element) {
      words.push(element.textContent);
    });
    var target = body.querySelector("[autofocus]") ||
      document.getElementById("sim-step-title");
    if (target) {
      target.focus();
    }
    if (!errors.length && turn) {
      words.unshift(turn.textContent, narration ? narration.textContent : "");
    }
    // Spoken a moment after the focus moves, so that the two do not clash.
    window.setTimeout(function () {
      status.textContent = words.join(" ").replace(/\s+/g, " ").trim();
    }, 150);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-sim-form")) {
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
    })
      .then(function (response) {
        var elsewhere = new URL(response.url).pathname !== window.location.pathname;
        if (response.redirected && elsewhere) {
          // The debrief, or the simulation's page: a page of its own.
          window.location.assign(response.url);
          return null;
        }
        if (!response.ok && response.status !== 400) {
          throw new Error(String(response.status));
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
