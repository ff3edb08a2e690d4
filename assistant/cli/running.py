"""Commands that run faprep itself: the models, the server, the demo, the evaluation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from assistant.cli.common import WorkspaceOpt, app, command, console, err, runtime_of, settings_of
from assistant.errors import Unavailable


@command(app)
def model(as_json: bool = typer.Option(False, "--json")) -> None:
    """Verify the embedding and OCR models; prepare the embedding runtime and the law shelf's vectors (once).

    `make install` runs it, so the first ingest does not pay the one-time export, and a model file
    that is missing or altered is found before any ingest.

    Example: faprep model --json
    """
    from assistant.stores.embeddings import get_embedder, model_cache

    settings = settings_of(None)
    emb = get_embedder(settings)
    info = {
        "name": emb.name,
        "directory": str(emb.model_dir),
        "weights_sha256": emb.sha256,
        "backend": emb.backend,
        "precision": getattr(emb, "precision", "fp32"),
        "dimension": emb.dimension,
        "max_tokens": emb.max_tokens,
        "cache": str(model_cache(settings)),
    }
    if emb.backend == "onnx":
        info["onnx_sha256"] = emb.onnx_sha256
    from ingest.ocr import model_dir, verify_models

    info["ocr_models"] = {"directory": str(model_dir()), **verify_models()}
    from assistant.services import law

    info["law_shelf_vectors"] = law.prepare(settings)
    if as_json:
        print(json.dumps(info, indent=2))
        return
    for k, v in info.items():
        print(f"{k:>15}: {v}")


@command(app)
def serve(
    host: str = typer.Option("127.0.0.1", help="address to bind (default loopback only)"),
    port: int = typer.Option(7860),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """Serve the HTTP API (/api, OpenAPI at /docs) and the web UI (/) on HOST:PORT.

    Loopback only unless --host says otherwise. Serves every workspace under FAPREP_HOME
    (/api/w/NAME/...; the default one also at /api/...). With users (faprep users add) or
    FAPREP_API_KEY, every /api request needs "Authorization: Bearer <key>" and the UI a sign-in.

    Example: faprep users add dana --role preparer --workspace acme && faprep serve --port 7860
    """
    import uvicorn

    from assistant.stores.users import Users
    from assistant.web.app import create_app

    settings = settings_of(workspace)
    users = len(Users(settings.home).all())
    who = (
        f"{users} user(s)" + (" and the admin key" if settings.api_key else "")
        if users
        else "the admin key"
        if settings.api_key
        else "no key and no user: anyone who can reach the port can use it"
    )
    if settings.trusted_proxies:
        who += f"; single sign-on from {', '.join(settings.trusted_proxies)} ({settings.user_header})"
    console.print(
        f"faprep serving FAPREP_HOME {settings.home} (default workspace '{settings.workspace}') on http://{host}:{port}/ ({who})"
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@command(app)
def demo(
    folder: Path = typer.Option(Path("sample_case"), help="where to build the sample case"),
    serve_after: bool = typer.Option(True, "--serve/--no-serve"),
    port: int = typer.Option(7860),
    workspace: Optional[str] = typer.Option("demo", "--workspace", "-w"),
) -> None:
    """Build the sample case, ingest it, then serve it.

    Example: faprep demo --no-serve
    """
    from assistant.cli.records import RichProgress, print_ingest_report
    from assistant.services import ingesting
    from evaluation.datasets.sample_case import build_sample_case

    runtime, caller = runtime_of(workspace)
    console.print(f"building sample case in {folder} ...")
    build_sample_case(folder)
    with RichProgress(quiet=not err.is_terminal) as progress:
        report = ingesting.ingest(runtime, caller, [folder], prune=True, progress=progress)
    print_ingest_report(report, runtime.settings)
    if serve_after:
        serve(host="127.0.0.1", port=port, workspace=workspace)


@command(app, "eval")
def evaluate(
    as_json: bool = typer.Option(False, "--json", help="print every metric and each question's result as JSON"),
    workdir: Optional[Path] = typer.Option(None, help="build the case and stores here (default: a temporary folder)"),
    reuse: bool = typer.Option(False, "--reuse", help="with --workdir: keep a case and stores built there before"),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="also run the naive LangChain RAG"),
    thresholds: Path = typer.Option(None, help="floors file (default evaluation/thresholds.json)"),
) -> None:
    """Evaluate retrieval, answers and checks on the sample case and the corpus, beside the naive RAG.

    Exits 1 when a metric is below its floor in the thresholds file.

    Example: faprep eval --workdir /tmp/faprep-eval
    """
    try:
        from evaluation.run import THRESHOLDS, render, run_eval
    except ImportError as exc:
        raise Unavailable(
            f"faprep eval needs the eval extra ({exc.name} is missing): pip install 'faprep[eval]'"
        ) from None

    result = run_eval(
        workdir,
        baseline=baseline,
        thresholds=thresholds or THRESHOLDS,
        reuse=reuse,
        say=lambda m: err.print(f"[dim]{m} ...[/]"),
    )
    if as_json:
        print(json.dumps(result, indent=1, default=str))
    else:
        render(result, console)
    if result["failures"]:
        raise typer.Exit(1)
