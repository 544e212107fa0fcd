// The leaflet's Print button. Without JavaScript it stays hidden, and the
// browser's own Print command gives the same page.
"use strict";
document.querySelectorAll("[data-print]").forEach((actions) => {
  if (typeof window.print !== "function") return;
  actions.querySelector("button").addEventListener("click", () => window.print());
  actions.hidden = false;
});
