// Wraparound's only entry script (an ES module, loaded by templates/base.html).
// Progressive enhancement only: every page works without JavaScript.
import { initAll as initGovuk } from "./govuk-frontend.min.js";
import { initAll as initMoj } from "./moj-frontend.bundle.mjs";
import "./htmx-config.js";
// A UMD bundle: run as a module it sets window.accessibleAutocomplete (used by owner-select.js).
import "./accessible-autocomplete.min.js";
import { initOwnerSelects } from "./owner-select.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initGovuk();
initMoj();
initOwnerSelects();
document.body.addEventListener("htmx:afterSwap", (event) => initOwnerSelects(event.target));
