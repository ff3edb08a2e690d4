"""The generated parts of the docs: the command table (README.md) and the settings tables
(docs/configuration.md), made from the code itself so they cannot drift.

    python -m assistant.docgen           # rewrite the generated blocks
    python -m assistant.docgen --check   # exit 1, naming the file, when a block is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from pydantic.fields import FieldInfo

ROOT = Path(__file__).resolve().parents[1]


def _option_usage(p: Any) -> str:
    """``PATHS...``, ``[--json]``, ``[-w WORKSPACE]``, ``[--check CHECK]...`` (Typer's click parameters)."""
    if p.param_type_name == "argument":
        name = (p.metavar or p.name or "").upper()
        return f"{name}..." if p.nargs == -1 or p.multiple else name
    names = sorted(p.opts, key=len)
    flag = names[0] if len(names[0]) == 2 else names[-1]  # -w for --workspace, the long name otherwise
    if p.is_flag:
        if p.secondary_opts:
            return f"[{p.opts[-1]}/{p.secondary_opts[-1]}]"
        return f"[{flag}]"
    meta = (p.metavar or max(p.opts, key=len).lstrip("-")).upper()
    usage = f"{flag} {meta}" if p.required else f"[{flag} {meta}]"
    return usage + ("..." if p.multiple else "")


def _commands(group: Any, prefix: str) -> list[tuple[str, str]]:
    rows = []
    for name in sorted(group.commands):
        cmd = group.commands[name]
        if cmd.hidden:
            continue
        if hasattr(cmd, "commands"):
            if getattr(cmd, "invoke_without_command", False):  # a group that is a command of its own
                usage = " ".join(_option_usage(p) for p in cmd.params if p.name != "help")
                doc = (cmd.help or "").strip().split("\n\n")[0].replace("\n", " ")
                rows.append((f"`{prefix} {name} {usage}`".replace(" `", "`"), doc))
            rows += _commands(cmd, f"{prefix} {name}")
            continue
        usage = " ".join(_option_usage(p) for p in cmd.params if p.name != "help")
        doc = (cmd.help or "").strip().split("\n\n")[0].replace("\n", " ")
        rows.append((f"`{prefix} {name} {usage}`".replace(" `", "`"), doc))
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def commands_table() -> str:
    from assistant.cli import app

    group = typer.main.get_command(app)
    lines = ["| command | what it does |", "|---|---|"]
    lines += [f"| {_cell(usage)} | {_cell(doc)} |" for usage, doc in _commands(group, "faprep")]
    return "\n".join(lines)


def _default(field: FieldInfo) -> str:
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "unset"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _settings_rows(model: type, prefix: str) -> list[str]:
    rows = []
    for name, field in model.model_fields.items():  # type: ignore[attr-defined]
        desc = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{prefix}{name.upper()}` | `{_default(field)}` | {desc} |")
    return rows


def settings_table() -> str:
    from assistant.config import CheckSettings, Settings

    head = ["| variable | default | meaning |", "|---|---|---|"]
    main = head + _settings_rows(Settings, "FAPREP_")
    checks = head + _settings_rows(CheckSettings, "FAPREP_CHECK_")
    return "\n".join(main) + "\n\nCheck parameters (printed in every findings report):\n\n" + "\n".join(checks)


BLOCKS = {  # file → (block name, generator)
    "README.md": [("commands", commands_table)],
    "docs/configuration.md": [("settings", settings_table)],
}


def _replace(text: str, name: str, body: str, where: str) -> str:
    start, end = f"<!-- generated:{name} -->", f"<!-- /generated:{name} -->"
    if start not in text or end not in text:
        raise SystemExit(f"{where}: the markers {start} ... {end} are missing")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}\n{end}{tail}"


def render_all() -> dict[str, tuple[str, str]]:
    """{file: (text now, text generated)} for each file with generated blocks."""
    out = {}
    for rel, blocks in BLOCKS.items():
        path = ROOT / rel
        text = path.read_text()
        new = text
        for name, make in blocks:
            new = _replace(new, name, make(), rel)
        out[rel] = (text, new)
    return out


def main(argv: list[str] | None = None) -> int:
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = []
    for rel, (text, new) in render_all().items():
        if text == new:
            continue
        if check:
            stale.append(rel)
        else:
            (ROOT / rel).write_text(new)
            print(f"updated {rel}")
    if stale:
        print("generated docs out of date (run `make docs`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
