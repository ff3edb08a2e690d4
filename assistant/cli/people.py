"""``faprep users`` (the people who use ``faprep serve``) and ``faprep log`` (who did what)."""

from __future__ import annotations

import json
from typing import Optional

import typer
from rich.table import Table

from assistant.cli.common import app, command, console, err, runtime_of, settings_of

users_app = typer.Typer(
    help="The people who use `faprep serve`: add, list, rotate keys, remove. Keys are shown once.",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")


@command(users_app, "add")
def users_add(
    name: str = typer.Argument(..., help="the user's name (letters, digits, . _ @ -)"),
    role: str = typer.Option(..., "--role", help="viewer, preparer or admin"),
    workspace: list[str] = typer.Option(
        [], "--workspace", "-w", help="a workspace granted; repeatable (admins see all)"
    ),
) -> None:
    """Add a user and print their key, once: only its hash is kept.

    Example: faprep users add dana --role preparer --workspace acme --workspace globex
    """
    from assistant.services import people

    user, key = people.add_user(*runtime_of(None), name, role, workspace)
    console.print(f"user {user.name} ({user.role}; workspaces: {', '.join(user.public()['workspaces']) or 'none'})")
    console.print("key (shown once; give it to the user, who sends 'Authorization: Bearer <key>'):")
    print(key)


@command(users_app, "list")
def users_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """The users: name, role, workspaces, when added and when their key was made (never the key)."""
    from assistant.services import people

    users = people.list_users(settings_of(None))
    if as_json:
        print(json.dumps({"users": users}, indent=2))
        return
    t = Table(title=f"{len(users)} user(s)", title_justify="left")
    for col in ("name", "role", "workspaces", "added", "key made"):
        t.add_column(col)
    for u in users:
        t.add_row(u["name"], u["role"], ", ".join(u["workspaces"]), u["created"], u["key_made"])
    console.print(t)


@command(users_app, "key")
def users_key(name: str = typer.Argument(..., help="the user")) -> None:
    """Give a user a new key (printed once); the old key stops working at once."""
    from assistant.services import people

    key = people.rotate_key(*runtime_of(None), name)
    console.print(f"new key for {name} (shown once; the old one no longer works):")
    print(key)


@command(users_app, "remove")
def users_remove(name: str = typer.Argument(..., help="the user")) -> None:
    """Remove a user; their key stops working at once."""
    from assistant.services import people

    people.remove_user(*runtime_of(None), name)
    console.print(f"removed {name}")


log_app = typer.Typer(
    help="Who did what: the activity log of the server and the CLI (hash-chained).",
    invoke_without_command=True,
)
app.add_typer(log_app, name="log")


@log_app.callback()
def log_list(
    ctx: typer.Context,
    user: Optional[str] = typer.Option(None, "--user", "-u", help="only this user's entries"),
    since: Optional[str] = typer.Option(None, "--since", help="only entries on or after YYYY-MM-DD (UTC)"),
    as_json: bool = typer.Option(False, "--json", help="print the entries as JSON lines"),
) -> None:
    """List the activity log: time, user, workspace, action, inputs.

    Example: faprep log --user dana --since 2026-11-01
    """
    if ctx.invoked_subcommand is not None:
        return
    import datetime as dt

    from assistant.services import people
    from assistant.stores.activity import ActivityLog

    try:
        day = dt.date.fromisoformat(since) if since else None
    except ValueError:
        err.print(f"[red]error:[/] --since {since!r}: not a date YYYY-MM-DD", markup=True, highlight=False)
        raise typer.Exit(2) from None
    entries = people.activity(ActivityLog(settings_of(None).home / "activity.jsonl"), user=user, since=day)
    if as_json:
        for e in entries:
            print(json.dumps(e, ensure_ascii=False))
        return
    t = Table(title=f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}", title_justify="left")
    for col in ("#", "time (UTC)", "user", "workspace", "action", "inputs"):
        t.add_column(col, overflow="fold")
    for e in entries:
        t.add_row(
            str(e["seq"]),
            e["time"],
            e["user"],
            e.get("workspace") or "",
            e["action"],
            json.dumps(e.get("inputs"))[:200],
        )
    console.print(t)


@command(log_app, "verify")
def log_verify(
    anchor: Optional[str] = typer.Option(
        None,
        "--anchor",
        help="a hash printed by an earlier verify and kept elsewhere: the log must still reach that entry",
    ),
) -> None:
    """Check the chain: exit 0 when every entry is intact and in order, 1 naming the first bad line.

    A chain cannot show on its own that its last entries were cut off; keep the last hash this prints
    (with the compliance file, or in a ticket) and pass it later as --anchor.
    """
    from assistant.services import people
    from assistant.stores.activity import ActivityLog

    log = ActivityLog(settings_of(None).home / "activity.jsonl")
    checked, last, problem = people.verify(log)
    if problem is not None:
        err.print(
            f"[red]broken:[/] {log.path} line {problem.line}: {problem.reason} ({checked} entries before it are intact)"
        )
        raise typer.Exit(1)
    if anchor:
        seq = log.seq_of(anchor)
        if seq is None:
            err.print(
                f"[red]broken:[/] {log.path}: no entry has the hash {anchor.strip()!r}: the log was cut off "
                f"before that entry, or the hash is not from this log (the {checked} entries there are intact)"
            )
            raise typer.Exit(1)
        console.print(f"anchor: entry {seq} is still there")
    console.print(f"intact: {checked} entries in {log.path}; last hash {last or '(none)'}")
