"""The checks as LangChain tools, so the assistant (and an optional LLM agent) can call them.

One tool per registered check: its name is the check id, its description the check's description
and legal basis, its arguments optional filters (part number, entry number, payment id). The tool
returns the findings as JSON text for the model, and the same ``CheckRun`` object the CLI renders as
its artifact.
"""

from __future__ import annotations

import json

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, Field

from assistant.config import Settings


class CheckArgs(BaseModel):
    part_number: str | None = Field(default=None, description="only findings about this part number, e.g. KM-2040")
    entry: str | None = Field(default=None, description="only findings about this entry number, e.g. HL7-0101234-5")
    payment_id: str | None = Field(default=None, description="only findings about this payment id, e.g. PAY-0117")


def findings_text(run) -> str:
    """What the model reads: the findings as the JSON of docs/data-formats.md (evidence text, no raw rows) and the notes."""
    return json.dumps(
        {
            "findings": [f.model_dump(mode="json", exclude={"evidence_rows"}) for f in run.findings],
            "notes": run.notes,
        },
        indent=1,
    )


def check_tools(settings: Settings) -> list[BaseTool]:
    """A read-only tool per check, bound to ``settings``' workspace."""
    from assistant.checks import REGISTRY, check_workspace

    tools: list[BaseTool] = []
    for check in REGISTRY.values():

        def run(part_number: str | None = None, entry: str | None = None, payment_id: str | None = None, _id=check.id):
            result = check_workspace(settings, [_id], part_number=part_number, entry=entry, payment_id=payment_id)
            return findings_text(result), result

        tools.append(
            StructuredTool.from_function(
                func=run,
                name=check.id,
                args_schema=CheckArgs,
                response_format="content_and_artifact",
                description=f"{check.title}. {check.description} Legal basis: {', '.join(check.legal_basis)}. "
                "Returns findings with row-level evidence; read-only.",
            )
        )
    return tools
