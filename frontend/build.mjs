// Builds static/dist from the npm packages: compiled CSS, the JS modules and the images.
// Run with `npm run build` (make does it for you).
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
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
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "app.css"), css.css);

const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk-frontend.min.js"],
  ["@ministryofjustice/frontend/moj/all.bundle.mjs", "moj-frontend.bundle.mjs"],
  ["htmx.org/dist/htmx.esm.js", "htmx.esm.js"],
  ["govuk-frontend/dist/govuk/assets/images", "assets/images"],
  ["@ministryofjustice/frontend/moj/assets/images", "assets/images"],
];
for (const [from, to] of copies) {
  cpSync(join(modules, from), join(out, to), { recursive: true });
}
cpSync(join(root, "frontend", "js"), out, { recursive: true });
console.log(`built ${out}`);
