// An action's owner select (action_plans/_owner_select.html): offer only the chosen owner
// agency's staff, searchable as you type (GOV.UK's accessible-autocomplete, loaded by app.js as
// window.accessibleAutocomplete). Without JavaScript the select lists everyone, grouped by
// agency, and the server refuses an owner from another agency.
//
// The select stays in the form (hidden) and keeps the submitted value; the autocomplete's own
// input has no name. The library's styles come from static/dist/app.css, not inline styles.

function staff(select, agencyId) {
  // [{value, label}] of the owner agency's staff; everyone (with their agency) if none chosen.
  const entries = [];
  for (const group of select.querySelectorAll("optgroup[data-agency]")) {
    if (agencyId && group.dataset.agency !== agencyId) continue;
    for (const option of group.querySelectorAll("option")) {
      const name = option.textContent.trim();
      entries.push({ value: option.value, label: agencyId ? name : `${name} (${group.label})` });
    }
  }
  return entries;
}

function enhance(select, agency) {
  const autocomplete = window.accessibleAutocomplete;
  if (!autocomplete) return;
  const id = select.dataset.ownerId || select.id;
  select.dataset.ownerId = id;
  if (select._ownerWrapper) select._ownerWrapper.remove();
  select.id = id;
  const entries = staff(select, agency.value);
  const chosen = entries.find((entry) => entry.value === select.value);
  autocomplete.enhanceSelectElement({
    selectElement: select,
    id,
    defaultValue: chosen ? chosen.label : "",
    source: (query, populate) => {
      const words = query.toLowerCase().split(/\s+/).filter(Boolean);
      populate(entries.map((entry) => entry.label)
        .filter((label) => words.every((word) => label.toLowerCase().includes(word))));
    },
    // Called on a choice and on leaving the box (label undefined when nothing is highlighted):
    // the owner is whoever the box names; an empty box or no match is anyone in the agency.
    onConfirm: (label) => {
      const text = label ?? document.getElementById(id)?.value;
      const entry = entries.find((candidate) => candidate.label === text);
      select.value = entry ? entry.value : "";
    },
    tNoResults: () => "No one in this agency matches",
  });
  const wrapper = select.previousElementSibling;
  select._ownerWrapper = wrapper;
  // The grey "type-ahead" copy behind the box is a second, unlabelled input: only decoration,
  // so hide it from assistive technology (the library does not).
  const hideHints = () => {
    for (const copy of wrapper.querySelectorAll(".autocomplete__hint:not([aria-hidden])")) {
      copy.setAttribute("aria-hidden", "true");
    }
  };
  new MutationObserver(hideHints).observe(wrapper, { childList: true, subtree: true });
  hideHints();
  const input = document.getElementById(id);
  const hint = select.getAttribute("aria-describedby");
  if (input && hint) {
    const own = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", own ? `${hint} ${own}` : hint);
  }
  // Emptying the box means "anyone in the owner agency".
  input?.addEventListener("input", () => { if (!input.value.trim()) select.value = ""; });
}

export function initOwnerSelects(root = document) {
  for (const select of root.querySelectorAll("select[data-owner-for]")) {
    const agency = document.getElementById(select.dataset.ownerFor);
    if (!agency || select.dataset.ownerEnhanced) continue;
    select.dataset.ownerEnhanced = "true";
    const update = () => {
      for (const group of select.querySelectorAll("optgroup[data-agency]")) {
        const show = !agency.value || group.dataset.agency === agency.value;
        group.hidden = !show;
        group.disabled = !show;
      }
      const chosen = select.selectedOptions[0];
      if (chosen && chosen.parentElement.disabled) select.value = "";
      enhance(select, agency);
    };
    agency.addEventListener("change", update);
    update();
  }
}
