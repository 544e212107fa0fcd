// Copy and share buttons for passed-on links. Without JavaScript the link
// stays in a field to copy by hand, and the QR code works anyway.
"use strict";
document.querySelectorAll("[data-share-url]").forEach((field) => {
  const buttons = field.closest("section").querySelector("[data-share-buttons]");
  if (!buttons) return;
  const copy = buttons.querySelector("[data-copy]");
  const share = buttons.querySelector("[data-share]");
  if (!navigator.share) share.remove();
  if (!navigator.clipboard) copy.remove();
  if (!buttons.querySelector("button")) return;
  buttons.hidden = false;
  copy?.addEventListener("click", async () => {
    await navigator.clipboard.writeText(field.value);
    copy.textContent = copy.dataset.done || "✓";
  });
  share?.addEventListener("click", () => {
    navigator.share({ title: field.dataset.shareTitle, url: field.value }).catch(() => {});
  });
});
