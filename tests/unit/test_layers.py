"""The package layers of docs/architecture.md, enforced: imports point down, never up or sideways,
and no module imports itself back through others (no cycles), lazy imports inside functions included.
``evaluation`` sits above them all: only the CLI's ``faprep eval`` and ``faprep demo`` commands import
it, and only inside their functions (it needs the eval extra, and the sample case is the demo's)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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


# --- evaluation/: above every layer; reached only lazily by two CLI commands -----------------------

EVALUATION_COMMANDS = {"eval", "demo"}  # the CLI commands that may import evaluation, inside themselves


def _is_cli(module: str) -> bool:
    return module == "assistant.cli" or module.startswith("assistant.cli.")


def _command_name(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The CLI command a function defines (``@app.command("eval")``, ``@command(app, "eval")``,
    ``@command(app)`` for its own name), or None when it defines none."""
    for dec in fn.decorator_list:
        if not isinstance(dec, ast.Call):
            continue
        callee = dec.func.attr if isinstance(dec.func, ast.Attribute) else getattr(dec.func, "id", "")
        if callee.lstrip("_") != "command":  # app.command, command(app, ...), _command(app, ...)
            continue
        named = [a.value for a in dec.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        named += [k.value.value for k in dec.keywords if k.arg == "name" and isinstance(k.value, ast.Constant)]
        return named[0] if named else fn.name.replace("_", "-")
    return None


def _imported(node: ast.AST) -> list[str]:
    """Module names an import statement, ``importlib.import_module("...")`` or ``__import__("...")`` names."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""] if not node.level else []
    if isinstance(node, ast.Call):
        callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if callee in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            return [str(node.args[0].value)]
    return []


def evaluation_imports(module: str, source: str) -> list[str]:
    """Imports of ``evaluation`` in ``module`` against the rule, as 'module:line: why'."""
    wrong: list[str] = []

    def visit(node: ast.AST, command: str | None, depth: int) -> None:
        for name in _imported(node):
            if name != "evaluation" and not name.startswith("evaluation."):
                continue
            if not _is_cli(module):
                wrong.append(f"{module}:{node.lineno}: imports {name} (only the CLI's eval and demo commands may)")
            elif depth == 0:
                wrong.append(f"{module}:{node.lineno}: imports {name} at module level (import it inside the command)")
            elif command not in EVALUATION_COMMANDS:
                wrong.append(f"{module}:{node.lineno}: imports {name} outside the eval and demo commands")
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                inner = command
                if depth == 0 and not isinstance(child, ast.Lambda):
                    inner = _command_name(child)
                visit(child, inner, depth + 1)
            else:
                visit(child, command, depth)

    visit(ast.parse(source), None, 0)
    return wrong


def test_only_the_eval_and_demo_commands_import_evaluation_and_only_lazily():
    wrong = [w for mod, path in sorted(modules().items()) for w in evaluation_imports(mod, path.read_text())]
    assert not wrong, "imports of evaluation/ (docs/architecture.md):\n" + "\n".join(wrong)
    cli = [m for m in modules() if _is_cli(m)]
    lazy = [m for m in cli if "evaluation" in modules()[m].read_text()]
    assert lazy, "the eval and demo commands import evaluation lazily: the test no longer finds them"


@pytest.mark.parametrize(
    "module,source,why",
    [
        ("assistant.checks.base", "from evaluation.metrics import recall\n", "only the CLI"),
        ("assistant.checks.base", "def f():\n    import evaluation.run\n", "only the CLI"),
        ("ingest.pipeline", "import importlib\nimportlib.import_module('evaluation.run')\n", "only the CLI"),
        ("assistant.cli.running", "from evaluation.run import run_eval\n", "at module level"),
        (
            "assistant.cli.records",
            "@command(app)\ndef status():\n    from evaluation.datasets import sample_case\n",
            "outside the eval and demo",
        ),
        ("assistant.cli", "def helper():\n    import evaluation\n", "outside the eval and demo"),
    ],
)
def test_other_imports_of_evaluation_are_refused(module, source, why):
    (found,) = evaluation_imports(module, source)
    assert why in found


@pytest.mark.parametrize(
    "source",
    [
        '@command(app, "eval")\ndef evaluate():\n    from evaluation.run import run_eval\n',
        "@_command(app)\ndef demo():\n    from evaluation.datasets.sample_case import build_sample_case\n",
        "@app.command()\ndef demo():\n    from evaluation.datasets.sample_case import build_sample_case\n",
        '@app.command("demo")\ndef run_demo():\n    def build():\n        import evaluation.datasets\n',
    ],
)
def test_the_eval_and_demo_commands_may_import_it_inside_themselves(source):
    assert evaluation_imports("assistant.cli", source) == []
