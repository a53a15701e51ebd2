"""`make run` installs requirements.txt alone: every third-party package the product imports must come from it,
listed or as a dependency of a listed one. The test install adds requirements-dev.txt, which once hid a missing
runtime package (jsonschema: a fresh clone's `make run` stopped at start, stop 26)."""

import ast
import sys
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
# The product: every Django app folder and the settings. Not tests, bench or tools.
PRODUCT = sorted({p for p in REPO.iterdir() if (p / "apps.py").exists()} | {REPO / "config"})
LOCAL = {p.name for p in REPO.iterdir() if p.is_dir()}


def _imported() -> dict[str, str]:
    """Top-level module -> a file importing it."""
    found = {}
    for folder in PRODUCT:
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], str(path.relative_to(REPO)))
    return found


def _runtime_distributions() -> set[str]:
    """requirements.txt and everything it depends on (extras followed), as installed here."""
    lines = [line.split("#")[0].strip() for line in (REPO / "requirements.txt").read_text().splitlines()]
    stack = [Requirement(line) for line in lines if line and not line.startswith("-")]
    seen: set[str] = set()
    while stack:
        requirement = stack.pop()
        name = canonicalize_name(requirement.name)
        key = f"{name}[{','.join(sorted(requirement.extras))}]"
        if key in seen:
            continue
        seen.update({key, name})
        try:
            dependencies = requires(name) or []
        except PackageNotFoundError:
            continue
        for text in dependencies:
            dependency = Requirement(text)
            extras = [""] + sorted(requirement.extras)
            if dependency.marker is None or any(dependency.marker.evaluate({"extra": extra}) for extra in extras):
                stack.append(dependency)
    return {name for name in seen if "[" not in name}


def test_every_third_party_import_of_the_product_comes_from_requirements_txt():
    runtime, owners = _runtime_distributions(), packages_distributions()
    missing = []
    for module, where in sorted(_imported().items()):
        if module in sys.stdlib_module_names or module in LOCAL or module == "__future__":
            continue
        distributions = {canonicalize_name(d) for d in owners.get(module, [])}
        if not distributions & runtime:
            missing.append(f"{module} ({where}; installed from {sorted(distributions) or 'nothing'})")
    assert missing == [], "imported by the product but not installed by requirements.txt: " + ", ".join(missing)
