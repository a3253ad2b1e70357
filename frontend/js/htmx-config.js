// htmx: send Django's CSRF token with every request, and inject no inline styles (strict CSP).
import htmx from "./htmx.esm.js";

window.htmx = htmx;
{
  htmx.config.includeIndicatorStyles = false;
  htmx.config.allowEval = false;
  htmx.config.allowScriptTags = false;
  document.body.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });
}
