// Builds static/dist from the npm packages: compiled CSS, the JS modules and the images.
// Run with `npm run build` (make does it for you).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const out = join(root, "static", "dist");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "assets"), { recursive: true });

const css = sass.compile(join(root, "frontend", "scss", "app.scss"), {
  loadPaths: [modules, root],
  style: "compressed",
  quietDeps: true,
  // MOJ Frontend 11 itself still calls GOV.UK Frontend 6's deprecated govuk-text-colour mixin
  // (and configures GOV.UK's $govuk-suppressed-warnings, so we cannot); show everything else.
  logger: {
    warn(message, options) {
      if (message.includes("govuk-text-colour")) return;
      console.warn(options.stack ? `${message}\n${options.stack}` : message);
    },
  },
});
writeFileSync(join(out, "app.css"), css.css);

const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk-frontend.min.js"],
  ["@ministryofjustice/frontend/moj/all.bundle.mjs", "moj-frontend.bundle.mjs"],
  ["htmx.org/dist/htmx.esm.js", "htmx.esm.js"],
  ["accessible-autocomplete/dist/accessible-autocomplete.min.js", "accessible-autocomplete.min.js"],
  ["govuk-frontend/dist/govuk/assets/images", "assets/images"],
  ["@ministryofjustice/frontend/moj/assets/images", "assets/images"],
];
for (const [from, to] of copies) {
  cpSync(join(modules, from), join(out, to), { recursive: true });
}
cpSync(join(root, "frontend", "js"), out, { recursive: true });

// Fail the build, not the browser, when a path above or a promise about the CSS is wrong.
const built = readFileSync(join(out, "app.css"), "utf8");
if (/GDS Transport|@font-face/.test(built)) throw new Error("app.css must not load GDS Transport");
if (!built.includes(".govuk-generic-header")) throw new Error("app.css: no Generic header styles");
if (!built.includes("/static/dist/assets/")) throw new Error("app.css: wrong $govuk-assets-path");
if (!built.includes(".autocomplete__wrapper")) throw new Error("app.css: no accessible-autocomplete styles");
for (const file of ["app.js", "htmx-config.js", "govuk-frontend.min.js",
  "moj-frontend.bundle.mjs", "htmx.esm.js", "accessible-autocomplete.min.js"]) {
  if (!existsSync(join(out, file))) throw new Error(`missing static/dist/${file}`);
}
console.log(`built ${out}`);
