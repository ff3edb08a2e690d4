"""HTTP API (FastAPI). Routes translate to services only; the full UI is mounted here later."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from assistant import services
from assistant.config import Settings

_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>faprep</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}}</style></head>
<body><h1>faprep</h1><p>Workspace <code>{workspace}</code>.</p>
<h2>Records and index</h2><table><tr><th>table</th><th>rows</th></tr>{rows}</table>
<h2>Files</h2><table><tr><th>category</th><th>kind</th><th>status</th><th>files</th></tr>{files}</table>
<p>API: <a href="/api/status">/api/status</a> · <a href="/docs">/docs</a>.
Classification outputs are flags for review by the importer and its licensed customs broker, not
classification decisions (19 USC 1641).</p></body></html>"""


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="faprep", version="0.1.0")

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.get("/api/status")
    def api_status() -> dict:
        return services.status(settings)

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        st = services.status(settings)
        rows = "".join(f"<tr><td>{k}</td><td>{v:,}</td></tr>" for k, v in st.get("tables", {}).items())
        files = "".join(
            f"<tr><td>{r['category']}</td><td>{r['kind']}</td><td>{r['status']}</td><td>{r['files']}</td></tr>"
            for r in st.get("files_by_kind", [])
        )
        return _PAGE.format(workspace=st["workspace"], rows=rows, files=files)

    return app
