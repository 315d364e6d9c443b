"""The library's layering and size rules, read from the source (nothing here runs the code under test)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROVIDERS = ROOT / "providers"
# The bottom floor: each API's client and wire models, and the HTTP layer under them.
CLIENT_LAYER = ["http.py", "errors.py", "config.py", "network.py", "cache.py", "swo/client.py", "swo/models.py",
                "swo/rql.py", "symphony/client.py", "symphony/models.py", "symphony/auth.py", "symphony/keys.py"]
MAX_CLASS, MAX_FUNCTION = 200, 50


def imports(path: Path) -> set[str]:
    """The modules ``path`` imports, as absolute names (relative imports resolved within ``providers``)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found.add(module)
            found |= {f"{module}.{a.name}" for a in node.names}
    return found


def module_file(name: str) -> Path | None:
    path = ROOT / Path(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.exists() and candidate.name != "__init__.py":
            return candidate
    return None


def closure(start: Path) -> set[str]:
    """Every module ``start`` imports, directly or through the library's own modules (package ``__init__``s aside)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for name in imports(todo.pop()):
            if name not in seen:
                seen.add(name)
                file = module_file(name) if name.startswith("providers.") else None
                if file is not None:
                    todo.append(file)
    return seen


@pytest.mark.parametrize("module", CLIENT_LAYER)
def test_clients_and_wire_models_know_nothing_of_pulumi_or_the_lifecycle(module):
    above = {n for n in closure(PROVIDERS / module)
             if n.split(".")[0] == "pulumi" or n.startswith(("providers.lifecycle", "providers.people",
                                                             "providers.creation"))
             or re.match(r"providers\.\w+\.(inputs|resource|provider|members|people)\b", n)}
    assert not above, f"{module} reaches {sorted(above)}"


def test_the_layer_check_sees_an_import_from_above():
    # The check itself: a module of the lifecycle layer does reach pulumi.
    assert any(n.split(".")[0] == "pulumi" for n in closure(PROVIDERS / "people" / "engine.py"))


def library_files() -> list[Path]:
    return sorted(p for p in PROVIDERS.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_class_over_200_lines_and_no_function_over_50():
    too_long = []
    for path in library_files():
        for node in ast.walk(ast.parse(path.read_text())):
            size = (node.end_lineno or node.lineno) - node.lineno + 1 if hasattr(node, "lineno") else 0
            if isinstance(node, ast.ClassDef) and size > MAX_CLASS:
                too_long.append(f"{path.relative_to(ROOT)}: class {node.name} has {size} lines")
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and size > MAX_FUNCTION:
                too_long.append(f"{path.relative_to(ROOT)}: {node.name}() has {size} lines")
    assert not too_long, too_long


def test_no_type_ignore_in_the_library_or_the_program():
    marked = [f"{p.relative_to(ROOT)}:{i}" for folder in ("providers", "program") for p in sorted((ROOT / folder).rglob("*.py"))
              for i, line in enumerate(p.read_text().splitlines(), 1) if re.search(r"#\s*type:\s*ignore", line)]
    assert not marked, marked


def test_the_library_speaks_no_stack_config():
    # Stack-config words belong to the program (program/), which translates the library's messages.
    words = ("formerKeys", "adopt: true", "{add: [", "usergroups:symphonyGroups", "usergroups:swoGroups")
    found = [f"{p.relative_to(ROOT)}: {w}" for p in library_files() for w in words if w in p.read_text()]
    assert not found, found
