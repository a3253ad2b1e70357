// htmx under a strict CSP: no inline indicator styles, no eval, no inline scripts; and every
// request carries Django's CSRF token, read from <meta name="csrf-token"> in base.html
// (the CSRF cookie is HttpOnly, so it cannot be read here).
import htmx from "./htmx.esm.js";

htmx.config.includeIndicatorStyles = false;
// Settling copies these attributes from the old element to the swapped-in one with
// setAttribute: a copied "style" (set by a component's script) is an inline style the CSP
// refuses, one console error per element. Never copy it.
htmx.config.attributesToSettle = ["class", "width", "height"];
htmx.config.allowEval = false;
htmx.config.allowScriptTags = false;
window.htmx = htmx;

document.body.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  const token = meta ? meta.content : input && input.value;
  if (token) event.detail.headers["X-CSRFToken"] = token;
});
