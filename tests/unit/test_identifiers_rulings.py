from ingest import identifiers as ids
from ingest.rulings import parse_ruling
from tests.support.workspace import CORPUS


def test_identifiers_by_kind():
    text = (
        "Entry HL7-0101234-5 and abc12345678; invoice No.: KMH-2304-117; Part No: KM-2040; "
        "HTSUS 3924.90.1050 and 9903.88.03; ruling NY N361443 and HQ H350722; 19 CFR 152.103; "
        "19 U.S.C. 1401a(b)(1); call 1-800-555-0100"
    )
    found = ids.extract(text, known_parts={"KM-2040"})
    assert found["entry"] == {"HL7-0101234-5", "ABC-1234567-8"}
    assert found["invoice"] == {"KMH-2304-117"}
    assert "KM-2040" in found["part"]
    assert found["hts"] == {"3924.90.1050", "9903.88.03"}
    assert found["ruling"] == {"N361443", "H350722"}
    assert {"19 CFR 152.103", "19 USC 1401a(b)(1)"} <= found["cite"]


def test_invoice_and_part_numbers_written_with_a_space_are_known_by_their_record():
    text = "Valvole Brescia S.p.A.\nInvoice No.: VB 140/23, 12 March 2023\nItem BV 2-100 ball valve, qty 40"
    found = ids.extract(text, known_parts={"BV 2-100", "BV 9-900"}, known_invoices={"VB 140/23", "VB 141/23"})
    assert found["invoice"] == {"VB 140/23"}
    assert "BV 2-100" in found["part"] and "BV 9-900" not in found["part"]
    assert ids.extract(text)["invoice"] == set()  # unknown: no guess at where a spaced number ends


def test_every_corpus_ruling_parses():
    files = sorted((CORPUS / "rulings").glob("*.txt"))
    assert len(files) == 112
    for f in files:
        r = parse_ruling(f.read_text())
        assert r is not None and r.number == f.stem, f
        assert r.tariff_numbers, f
        assert r.date is not None and r.subject, f


def test_ruling_fields():
    r = parse_ruling((CORPUS / "rulings" / "N305250.txt").read_text())
    assert r.tariff_numbers == ["3920.51.5000", "3920.63.2000", "9903.88.02"]
    assert r.subject.startswith("The tariff classification of solid surface sheets")


def test_every_corpus_ruling_subject_runs_to_the_salutation():
    import json
    from pathlib import Path

    listed = json.loads((Path(__file__).resolve().parents[2] / "evaluation/datasets/ruling_subjects.json").read_text())
    for r in listed["rulings"]:
        text = (CORPUS / "rulings" / f"{r['ruling']}.txt").read_text()
        assert parse_ruling(text).subject == r["subject"][:300], r["ruling"]


def test_a_subject_wrapped_over_a_blank_line_is_read_whole():
    letter = (
        "N999991\nApril 3, 2025\nCLA-2-48:OT:RR:NC:N4:434\nCATEGORY: Classification\nTARIFF NO.: 4819.40.0040\n\n"
        "Ms. Jane Smith\nAcme Paper Goods\n\nRE:  The tariff classification of kraft paper\n\ngift bags with cord "
        "handles from Vietnam\n\nDear Ms. Smith:\n\nIn your letter dated March 1, 2025 you requested a ruling."
    )
    assert (
        parse_ruling(letter).subject
        == "The tariff classification of kraft paper gift bags with cord handles from Vietnam"
    )
    no_dear = letter.replace("Dear Ms. Smith:", "Ms. Smith:")
    assert parse_ruling(no_dear).subject.endswith("cord handles from Vietnam")


def test_an_identifier_named_as_a_whole_token():
    from ingest.identifiers import names

    assert names("Item 1: 7731-AB kitchen mat", "7731-ab") and names("(part NW/310-B)", "NW/310-B")
    assert not names("KM-20401 and KM-2040-B", "KM-2040") and not names("anything", "")
