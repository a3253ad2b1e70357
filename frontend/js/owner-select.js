// An action's owner select (action_plans/_owner_select.html): offer only the chosen owner
// agency's staff. Without JavaScript the select lists everyone, grouped by agency, and the
// server refuses an owner from another agency.
export function initOwnerSelects(root = document) {
  for (const select of root.querySelectorAll("select[data-owner-for]")) {
    const agency = document.getElementById(select.dataset.ownerFor);
    if (!agency) continue;
    const update = () => {
      for (const group of select.querySelectorAll("optgroup[data-agency]")) {
        const show = !agency.value || group.dataset.agency === agency.value;
        group.hidden = !show;
        group.disabled = !show;
      }
      const chosen = select.selectedOptions[0];
      if (chosen && chosen.parentElement.disabled) select.value = "";
    };
    agency.addEventListener("change", update);
    update();
  }
}
