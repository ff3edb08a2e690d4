"""One error model: every failure faprep raises on purpose is a ``FaprepError``.

It carries the message the user reads, the input field it concerns (when there is one) and the
HTTP status that answers it. The CLI (``assistant.cli``), the API (``assistant.web.errors``) and the
UI (``assistant.web.ui``) each render it in one place; anything else is an internal error, logged
with a reference and never shown as a traceback.
"""

from __future__ import annotations


class FaprepError(Exception):
    """A failure the user can act on: ``message``, optional ``field``, ``status`` (HTTP)."""

    status: int = 400
    headers: dict[str, str] = {}

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.message


class BadInput(FaprepError, ValueError):
    """The input cannot be used as given (a question, an option, a file's content): 422."""

    status = 422


class NotSignedIn(FaprepError):
    """No user, or one whose key was changed or removed since they signed in: 401."""

    status = 401


class Forbidden(FaprepError):
    """The user's role does not allow the action, or the workspace is not theirs: 403."""

    status = 403


class NotFound(FaprepError):
    """A named thing (a document, an output, a job) that does not exist: 404."""

    status = 404


class NoRecords(FaprepError):
    """The workspace holds nothing to answer from yet: 409."""

    status = 409


class Unavailable(FaprepError):
    """A store, the model or the language model cannot serve now: 503."""

    status = 503


# The kinds below keep the names the modules raising them have always used.


class BadRequest(BadInput):
    """A question or a filter the assistant cannot take."""


class QuestionnaireError(BadInput):
    """A questionnaire with no questions faprep can read."""


class RebuttalError(BadInput):
    """A draft report with no findings faprep can read."""


class UploadRefused(BadInput):
    """An uploaded file faprep will not store: 413 for its size, 422 for the rest."""


class DocumentError(BadInput):
    """A document that cannot be read (no text layer, encrypted, corrupt, empty)."""


class HeaderError(BadInput):
    """A structured file whose header row is not recognised."""


class WorkspaceBusy(Unavailable):
    """The workspace is written or held by another faprep process."""


class Busy(Unavailable):
    """The stores are held by an ingest longer than a reader will wait."""

    headers = {"Retry-After": "10"}


class VectorStoreError(Unavailable):
    """The vector store (embedded Chroma or a Chroma server) cannot be used."""


class ModelIntegrityError(Unavailable):
    """The embedding model's files are missing or not the verified ones."""


class LLMUnavailable(Unavailable):
    """The configured language model cannot be reached or used."""


class WorkspaceTooNew(Unavailable):
    """The workspace's records were made by a newer faprep, with a schema this one does not know."""

    status = 409


class VectorsMismatch(Unavailable):
    """The workspace's vectors were made by another model or precision than this process embeds with."""

    status = 409
