"""Architecture guards (issue 12): views reach case data only through selectors, the policy
module is the only place that decides, and the apps it untangled stay untangled."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ROOT / "apps"

# ``Model.objects`` in a view module, allowed with the reason. Everything else must come from
# a selector (scoped to the actor) so that the UI and the API ask the same question.
ALLOWED_MANAGERS = {
    # An empty directory for a caller acting for no agency: directory data, not case data.
    ("apps/agencies/api/views.py", "Agency"),
    # The restricted-address rule (people/api/views.py ``with_address_visibility``) becomes one
    # rule in people/selectors.py with the case-sections work of issue 12 (other branch).
    ("apps/people/api/views.py", "CasePerson"),
}


def _view_modules() -> list[Path]:
    return sorted({*APPS.glob("*/views.py"), *APPS.glob("*/*_views.py"),
                   *APPS.glob("*/api/views.py")})


def _managers(path: Path) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager"):
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else ast.unparse(owner)
            found.append((name, node.lineno))
    return found


def test_views_query_no_model_manager_directly():
    offenders = []
    for path in _view_modules():
        rel = str(path.relative_to(ROOT))
        for name, line in _managers(path):
            if (rel, name) not in ALLOWED_MANAGERS:
                offenders.append(f"{rel}:{line} {name}.objects")
    assert offenders == [], "Use a selector instead:\n" + "\n".join(offenders)


def test_the_guard_sees_every_view_module():
    names = {str(p.relative_to(ROOT)) for p in _view_modules()}
    assert {"apps/cases/views.py", "apps/cases/api/views.py", "apps/marac/views.py",
            "apps/marac/api/views.py", "apps/consent/views.py",
            "apps/agencies/service_views.py"} <= names


# Imports between apps -----------------------------------------------------------------------


def _runtime_imports(path: Path) -> list[tuple[str, int]]:
    """``apps.X`` modules imported by ``path`` at run time (module level or inside a function;
    not under ``if TYPE_CHECKING:``, which only type checkers read)."""
    tree = ast.parse(path.read_text())
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only |= {id(n) for sub in node.body for n in ast.walk(sub)}
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
    return [(m, line) for m, line in found if m.startswith("apps.")]


def _app_edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in APPS.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if "migrations" in rel.parts:
            continue
        source = rel.parts[1]
        for module, line in _runtime_imports(path):
            target = module.split(".")[1]
            if target != source:
                edges[(source, target)].append(f"{rel}:{line}")
    return edges


def test_policy_module_imports_only_what_is_below_it():
    imported = {m.split(".")[1] for m, _ in _runtime_imports(APPS / "cases" / "policy.py")}
    assert imported <= {"agencies", "cases", "core"}, imported


def test_action_plans_do_not_import_marac():
    """The close and meeting-action rules come from the policy, not from MARAC's selectors,
    so action_plans <-> marac is no longer a loop."""
    edges = _app_edges()
    assert edges.get(("action_plans", "marac"), []) == []
    assert edges.get(("marac", "action_plans"))  # the direction that stays


def test_case_access_layer_does_not_import_consent():
    """Access to a case, emergency access included, is decided in apps.cases (issue 12): the
    permission layer reads live emergency accesses from apps.cases.emergency, never from
    apps.consent (which records and ends them)."""
    layer = ["selectors.py", "permissions.py", "policy.py", "emergency.py"]
    for name in layer:
        imported = [(m, line) for m, line in _runtime_imports(APPS / "cases" / name)
                    if m.startswith("apps.consent")]
        assert imported == [], (name, imported)
    remaining = {where for (source, target), wheres in _app_edges().items()
                 if (source, target) == ("cases", "consent") for where in wheres}
    # What is left is the sharing check and the sharing-basis fields of "involve an agency".
    assert all(w.split(":")[0] in {"apps/cases/services.py", "apps/cases/forms.py",
                                   "apps/cases/api/serializers.py"} for w in remaining), remaining
