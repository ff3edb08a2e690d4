"""Pieces of the server that need no stores: upload names, the read/write gate, edited drafts, SSE pieces."""

from __future__ import annotations

import threading
import time

import pytest

from assistant.drafting.survey import markdown_docx
from assistant.errors import Busy, UploadRefused
from assistant.services.runtime import Gate
from assistant.services.uploads import safe_upload_name
from assistant.web.stream import sentences as _sentences


@pytest.mark.parametrize("name", ["invoice_123.pdf", "ES003 export (2).CSV", "Broker-letter+v2.docx", "notes.md"])
def test_plain_names_are_kept(name):
    assert safe_upload_name(name) == name


@pytest.mark.parametrize(
    "name,why",
    [
        ("../x.pdf", "plain file name"),
        ("a/b.pdf", "plain file name"),
        ("a\\b.pdf", "plain file name"),
        ("/etc/passwd.txt", "plain file name"),
        (".env.txt", "plain file name"),
        ("x\x00.pdf", "plain file name"),
        ("tab\there.pdf", "plain file name"),
        ("", "no name"),
        ("run.exe", "type not accepted"),
        ("data.json", "type not accepted"),
    ],
)
def test_other_names_are_refused_with_the_reason(name, why):
    with pytest.raises(UploadRefused, match=why) as exc:
        safe_upload_name(name)
    assert exc.value.status == 422


def test_writer_waits_for_readers_and_new_readers_wait_for_a_waiting_writer():
    gate, order = Gate(), []
    reading = threading.Event()

    def reader(tag, hold):
        with gate.read():
            order.append(f"{tag} in")
            reading.set()
            time.sleep(hold)
            order.append(f"{tag} out")

    def writer():
        with gate.write():
            order.append("write")

    first = threading.Thread(target=reader, args=("r1", 0.4))
    first.start()
    reading.wait()
    w = threading.Thread(target=writer)
    w.start()
    time.sleep(0.1)  # the writer is now waiting
    second = threading.Thread(target=reader, args=("r2", 0))
    second.start()
    for t in (first, w, second):
        t.join(5)
    assert order == ["r1 in", "r1 out", "write", "r2 in", "r2 out"]


def test_a_reader_gives_up_with_busy_while_a_write_lasts():
    gate = Gate()
    with gate.write():
        with pytest.raises(Busy, match="ingest is running"):
            with gate.read(timeout=0.1):
                pass


def test_edited_markdown_becomes_a_docx_with_everything(tmp_path):
    import docx

    text = "# Survey\n\n## Q1. Who?\n\nThe **Director** answers,\nin two lines.\n\n- first point\n* second\n\n> GAP: none\n"
    markdown_docx(text, tmp_path / "e.docx", title="t")
    paras = [(p.style.name, p.text) for p in docx.Document(str(tmp_path / "e.docx")).paragraphs]
    assert paras == [
        ("Heading 1", "Survey"),
        ("Heading 2", "Q1. Who?"),
        ("Normal", "The Director answers, in two lines."),
        ("List Bullet", "first point"),
        ("List Bullet", "second"),
        ("Quote", "GAP: none"),
    ]
    bold = [r.text for p in docx.Document(str(tmp_path / "e.docx")).paragraphs for r in p.runs if r.bold]
    assert bold == ["Director"]


@pytest.mark.parametrize("text", ["One. Two [1]. Three?", "No stop at the end", "A.  B.\n\nC [2] [3].", ""])
def test_streamed_pieces_add_up_to_the_answer(text):
    assert "".join(_sentences(text)) == text
