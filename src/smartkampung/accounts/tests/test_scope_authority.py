"""`accounts/selectors.py` is the one place that decides who sees what: no other module names a role to
decide anything (labels and the role's own definitions, forms, demo data and tests excepted)."""

import ast
from pathlib import Path

import smartkampung

ROOT = Path(smartkampung.__file__).parent

# Where naming a role is not a decision: the accounts app itself (its models, forms, services and the
# selectors that decide), every app's models/forms/admin (choices, constraints), demo data, commands
# that make demo logins, benchmarks that build their own users, migrations and tests.
ALLOWED_DIRS = {"accounts", "tests", "migrations", "management", "bench"}
ALLOWED_FILES = {"models.py", "forms.py", "admin.py", "demo.py", "conftest.py"}
# Reading a role's label is not a decision.
LABEL_ATTRIBUTES = {"choices", "labels", "label", "values"}
# The raw role list stays inside accounts (the audit log receives it from accounts.apps).
RAW_ROLE_READERS = {"roles_of", "_assignments"}


def _allowed(relative: Path) -> bool:
    return bool(set(relative.parts[:-1]) & ALLOWED_DIRS) or relative.name in ALLOWED_FILES


def violations(source: str, relative: Path) -> list[str]:
    """Each place in `source` that decides on a role outside accounts.selectors, as 'path:line: what'."""
    tree = ast.parse(source)
    # Names bound to the accounts selectors module (`from smartkampung.accounts import selectors as scope`).
    aliases = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "smartkampung.accounts"
        for alias in node.names
        if alias.name == "selectors"
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "Role" and node.attr not in LABEL_ATTRIBUTES:
                found.append(f"{relative}:{node.lineno}: Role.{node.attr}")
            elif node.value.id in aliases and node.attr in RAW_ROLE_READERS:
                found.append(f"{relative}:{node.lineno}: {node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "smartkampung.accounts.models":
            names = {alias.name for alias in node.names}
            if names & {"RoleAssignment", "DISTRICT_ROLES", "VILLAGE_ROLES", "PUSKESMAS_ROLES", "CHECKPOINT_ROLES"}:
                found.append(f"{relative}:{node.lineno}: imports role assignments")
        elif isinstance(node, ast.ImportFrom) and node.module == "smartkampung.accounts.selectors":
            for alias in node.names:
                if alias.name in RAW_ROLE_READERS:
                    found.append(f"{relative}:{node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in {"REGENCY_WIDE", "READ_EVERYTHING", "WRITE_VILLAGE"}:
                    found.append(f"{relative}:{node.lineno}: defines {target.id}")
    return found


def test_no_module_but_accounts_selectors_decides_on_roles():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if _allowed(relative):
            continue
        found += violations(path.read_text(encoding="utf-8"), relative)
    assert found == [], "Decide scope in accounts/selectors.py, not here:\n" + "\n".join(found)


def test_the_scan_catches_a_copied_rule():
    """The scan is not vacuous: the copies that used to live in the apps are all caught."""
    copied = """
from smartkampung.accounts.models import Role, RoleAssignment
from smartkampung.accounts.selectors import roles_of

REGENCY_WIDE = frozenset({Role.REGENCY_ADMIN, Role.HEALTH_AGENCY})

def may_import(user):
    return bool(roles_of(user) & {Role.SOCIAL_AGENCY})

LABELS = dict(Role.choices)
"""
    found = violations(copied, Path("aid/selectors.py"))
    assert len([f for f in found if "Role." in f]) == 3  # REGENCY_ADMIN, HEALTH_AGENCY, SOCIAL_AGENCY; not .choices
    assert any("imports role assignments" in f for f in found)
    assert any("defines REGENCY_WIDE" in f for f in found)
    assert any(f.endswith("imports roles_of") for f in found)
    assert violations("from smartkampung.accounts import selectors as s\nx = s.roles_of(u)\n", Path("a/b.py"))
    assert _allowed(Path("accounts/selectors.py")) and _allowed(Path("aid/tests/test_x.py"))
    assert not _allowed(Path("health/selectors.py"))
