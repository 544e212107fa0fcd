/* "Read aloud" buttons for easy-read mode, spoken by the browser itself.
 *
 * Every element marked data-read-aloud gets a button that reads its text
 * with window.speechSynthesis: nothing leaves the device. Without speech
 * synthesis (or without JavaScript) no button is made, so none is dead.
 *
 * Only what the reader can see is read: text hidden from view (visually
 * hidden captions, aria-hidden marks, closed <details>, display: none) is
 * skipped. A marked element inside another (a question's mock-up) is read
 * with it, so that one button reads the whole question. The page never holds an answer before it is given, and this
 * reads nothing more than the page shows.
 *
 * The button's words come from the script tag (data-read / data-stop), in
 * the page's language; the voice follows the nearest lang attribute.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var synth = window.speechSynthesis;
  if (!script || !synth || !window.SpeechSynthesisUtterance) {
    return;
  }
  var labels = {
    read: script.getAttribute("data-read") || "Read aloud",
    stop: script.getAttribute("data-stop") || "Stop reading",
  };
  var speaking = null;

  // Speech engines name Chinese voices by region, not by script.
  var VOICE_LANG = {
    "zh-hans": "zh-CN",
    "zh-hant": "zh-TW",
  };

  function languageOf(element) {
    var marked = element.closest("[lang]");
    var lang = marked ? marked.getAttribute("lang") : "";
    return VOICE_LANG[lang.toLowerCase()] || lang || "en";
  }

  function voiceFor(lang) {
    var voices = synth.getVoices();
    var wanted = lang.toLowerCase().replace("_", "-");
    var base = wanted.split("-")[0];
    var exact = null;
    var near = null;
    for (var i = 0; i < voices.length; i += 1) {
      var have = voices[i].lang.toLowerCase().replace("_", "-");
      if (have === wanted && !exact) {
        exact = voices[i];
      } else if (have.split("-")[0] === base && !near) {
        near = voices[i];
      }
    }
    return exact || near;
  }

  function hidden(element, root) {
    for (var node = element; node && node !== root; node = node.parentElement) {
      if (
        node.classList.contains("visually-hidden") ||
        node.classList.contains("read-aloud") ||
        node.getAttribute("aria-hidden") === "true" ||
        node.tagName === "BUTTON"
      ) {
        return true;
      }
    }
    var style = window.getComputedStyle(element);
    return (
      element.getClientRects().length === 0 ||
      style.visibility === "hidden" ||
      style.display === "none"
    );
  }

  function blockOf(element, root) {
    for (var node = element; node && node !== root; node = node.parentElement) {
      if (window.getComputedStyle(node).display.indexOf("inline") !== 0) {
        return node;
      }
    }
    return root;
  }

  /* The element's visible text, a line for each block it is laid out in. */
  function visibleText(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var parts = [];
    var block = null;
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var parent = node.parentElement;
      if (!node.nodeValue.trim() || hidden(parent, root)) {
        continue;
      }
      var here = blockOf(parent, root);
      if (block !== null && here !== block) {
        parts.push("\n");
      }
      block = here;
      parts.push(node.nodeValue.replace(/\s+/g, " "));
    }
    return parts.join("").trim();
  }

  function show(button, on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.querySelector(".read-aloud__label").textContent = on
      ? labels.stop
      : labels.read;
  }

  function stop() {
    if (speaking) {
      show(speaking, false);
      speaking = null;
    }
    synth.cancel();
  }

  function read(button, element) {
    var wasThis = speaking === button;
    stop();
    if (wasThis) {
      return;
    }
    var text = visibleText(element);
    if (!text) {
      return;
    }
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = languageOf(element);
    var voice = voiceFor(utterance.lang);
    if (voice) {
      utterance.voice = voice;
    }
    utterance.onend = utterance.onerror = function () {
      if (speaking === button) {
        show(button, false);
        speaking = null;
      }
    };
    speaking = button;
    show(button, true);
    synth.speak(utterance);
  }

  function icon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "read-aloud__icon");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute(
      "d",
      "M3 9v6h4l5 5V4L7 9H3Zm13.5 3a4.5 4.5 0 0 0-2.5-4v8a4.5 4.5 0 0 0 2.5-4ZM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6Z"
    );
    svg.appendChild(path);
    return svg;
  }

  function addButton(element) {
    if (
      element.hasAttribute("data-read-aloud-ready") ||
      element.parentElement.closest("[data-read-aloud]")
    ) {
      return;
    }
    element.setAttribute("data-read-aloud-ready", "");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "read-aloud";
    button.appendChild(icon());
    var label = document.createElement("span");
    label.className = "read-aloud__label";
    button.appendChild(label);
    show(button, false);
    button.addEventListener("click", function () {
      read(button, element);
    });
    // A legend must stay its fieldset's first child; a heading reads best
    // before its button.
    if (/^(LEGEND|H[1-6])$/.test(element.tagName)) {
      element.after(button);
    } else {
      element.before(button);
    }
  }

  function addButtons(root) {
    if (root.matches && root.matches("[data-read-aloud]")) {
      addButton(root);
    }
    root.querySelectorAll("[data-read-aloud]").forEach(addButton);
  }

  addButtons(document);
  // Quiz feedback arrives in place (quiz.js) and gets its buttons too.
  new MutationObserver(function (changes) {
    if (speaking && !document.body.contains(speaking)) {
      stop();
    }
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType === Node.ELEMENT_NODE) {
          addButtons(node);
        }
      });
    });
  }).observe(document.body, { childList: true, subtree: true });
  // Speech would otherwise go on after the reader leaves the page.
  window.addEventListener("pagehide", stop);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && speaking) {
      stop();
    }
  });
})();
