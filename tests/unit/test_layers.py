"""The package layers of docs/architecture.md, enforced: imports point down, never up or sideways,
and no module imports itself back through others (no cycles), lazy imports inside functions included."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("assistant", "ingest", "prompts")

# lowest first; a module may import its own layer and the layers below it (and no peer of its rank)
LAYERS: list[tuple[str, int, tuple[str, ...]]] = [
    (
        "base",
        0,
        ("assistant", "assistant.config", "assistant.errors", "assistant.formats", "assistant.normalize", "prompts"),
    ),
    ("stores", 1, ("assistant.stores",)),
    ("ingest", 2, ("ingest",)),
    ("checks", 2, ("assistant.checks",)),
    ("answering", 3, ("assistant.answering",)),
    ("drafting", 4, ("assistant.drafting",)),
    ("services", 5, ("assistant.services",)),
    ("web", 6, ("assistant.web",)),
    ("cli", 7, ("assistant.cli", "assistant.__main__", "assistant.docgen")),
]


def layer_of(module: str) -> tuple[str, int]:
    best: tuple[str, int, int] | None = None
    for name, rank, prefixes in LAYERS:
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and (best is None or len(p) > best[2]):
                best = (name, rank, len(p))
    assert best is not None, f"{module}: in no layer of tests/unit/test_layers.py (add it, and to docs/architecture.md)"
    return best[0], best[1]


def modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """Project modules that ``module`` imports anywhere in its file (top level or inside functions)."""
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_pkg else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for n in names:
            while n and n not in known:
                n = n.rpartition(".")[0]
            if n and n != module and n.split(".")[0] in PACKAGES:
                found.add(n)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {m: imports_of(m, p, known) for m, p in mods.items()}


def test_every_import_points_down():
    wrong = []
    for mod, deps in graph().items():
        name, rank = layer_of(mod)
        for dep in deps:
            dname, drank = layer_of(dep)
            if dname == name or dname == "base" and name == "base":
                continue
            if drank >= rank:
                wrong.append(f"{mod} ({name}) imports {dep} ({dname})")
    assert not wrong, "imports against the layer order of docs/architecture.md:\n" + "\n".join(sorted(wrong))


def test_no_import_cycles():
    g = graph()
    # a package's __init__ re-exporting its own modules is not a cycle of design; only module → module
    edges = {m: {d for d in deps if not (m.startswith(d + ".") and d in g)} for m, deps in g.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_the_layer_table_matches_the_architecture_page():
    page = (ROOT / "docs" / "architecture.md").read_text()
    for name, _rank, prefixes in LAYERS:
        for p in prefixes:
            if p in ("assistant", "assistant.__main__"):
                continue
            assert f"`{p}`" in page, f"docs/architecture.md does not name `{p}` (layer {name})"
