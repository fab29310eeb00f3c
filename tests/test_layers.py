"""The package's layers: imports run down the layers (or stay within one), never back up."""

from __future__ import annotations

import ast
from pathlib import Path

import auditkit

PACKAGE = Path(auditkit.__file__).parent
# From the bottom up. A module not listed belongs to the middle layer "*" (renderers, compare, plan, batch, annex,
# ...), above the engine and below the web questionnaire, the command line and the console script.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "auditkit",
        "auditkit.errors",
        "auditkit.dates",
        "auditkit.escape",
        "auditkit.interrupts",
        "auditkit.yamlio",
        "auditkit.bundled",
    ),
    ("auditkit.model",),
    ("auditkit.rules",),
    ("auditkit.scoring", "auditkit.attribution", "auditkit.engine"),
    ("*",),
    ("auditkit.web",),
    ("auditkit.cli",),
    ("auditkit.entry", "auditkit.__main__"),
)
MIDDLE = LAYERS.index(("*",))


def _layer(module: str) -> int:
    """The layer of a module: the last layer naming it or a package holding it ("*" when none does)."""
    found = [
        i
        for i, names in enumerate(LAYERS)
        for name in names
        if module == name or (name not in ("auditkit", "*") and module.startswith(name + "."))
    ]
    return found[-1] if found else MIDDLE


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The auditkit modules a file imports (``from auditkit import scoring`` counts as auditkit.scoring)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "auditkit"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "auditkit":
                continue
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                is_module = (PACKAGE.parent / Path(*candidate.split("."))).with_suffix(".py").is_file() or (
                    PACKAGE.parent / Path(*candidate.split("."))
                ).is_dir()
                out.add(candidate if is_module else node.module)
    return out


def upward_imports() -> list[str]:
    """Every import of a module from a higher layer, as 'importer -> imported' lines."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = _module(path)
        for imported in sorted(_imports(path)):
            if _layer(imported) > _layer(importer):
                out.append(f"{importer} (layer {_layer(importer)}) -> {imported} (layer {_layer(imported)})")
    return out


def test_no_import_runs_back_up_the_layers() -> None:
    assert upward_imports() == []


def test_the_check_sees_an_upward_import() -> None:
    assert _layer("auditkit.rules.lint") < _layer("auditkit.engine")
    assert _layer("auditkit.model.facts") < _layer("auditkit.rules.logic")
    assert _layer("auditkit.engine") < _layer("auditkit.render.html") == MIDDLE
    # the web questionnaire sits below the command line (which serves it), the console script above both
    assert _layer("auditkit.render.html") < _layer("auditkit.web.app") < _layer("auditkit.cli.run")
    assert _layer("auditkit.cli.run") < _layer("auditkit.entry")
    assert _layer("auditkit.bundled") < _layer("auditkit.web.app")
