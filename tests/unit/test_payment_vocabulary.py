"""How payments read, by the statute's categories, on memos and GL names worded as importers word them,
negatives included (freight, buying commissions, software licences, domestic design work)."""

from __future__ import annotations

import pytest

from assistant.checks.valuation import read_payment
from assistant.config import CheckSettings

PARAMS = CheckSettings()


@pytest.mark.parametrize(
    "gl, memo, country, expected",
    [
        ("1390 Consigned materials", "Resin pellets shipped to molder", "CN", ("assist", "materials")),
        ("5010 Purchases", "Zippers supplied FOC to the factory", "VN", ("assist", "materials")),
        ("5010 Purchases", "Labels sent F.O.C. for style 8821", "BD", ("assist", "materials")),
        ("1400 Raw materials", "Fabric furnished free of charge to CMT supplier", "KH", ("assist", "materials")),
        ("1400 Raw materials", "Buyer-furnished leather for PO 5531", "IN", ("assist", "materials")),
        ("1450 · Molds & Dies", "Second cavity for housing", "CN", ("assist", "tooling")),
        ("5100 Capital equipment", "Stamping die set, bracket 22-A", "MX", ("assist", "tooling")),
        ("5020 Production supplies", "Production consumables sent to Guadalajara plant", "MX", ("assist", "consumed")),
        ("5300 Product design", "Artwork for spring packaging", "CN", ("assist", "engineering")),
        ("5200 Engineering", "Technical drawings for valve body", "KR", ("assist", "engineering")),
        ("6200 Royalties", "Q3 brand royalty", "HK", ("royalty", "royalty")),
        ("6210 License fees", "Character licensing, holiday line", "US", ("royalty", "royalty")),
        ("6220 Resale proceeds", "Profit share due to seller, 2024", "IT", ("royalty", "proceeds")),
    ],
)
def test_dutiable_payments_by_category(gl, memo, country, expected):
    read = read_payment({"gl_account": gl, "memo": memo, "vendor_country": country}, PARAMS)
    assert read is not None and read[:2] == expected, read


@pytest.mark.parametrize(
    "gl, memo, country, why",
    [
        ("5400 Freight", "Ocean freight Yantian-Long Beach, mold shipment", "SG", "freight"),
        ("6150 Buying commissions", "Buying agent commission on tooling orders", "HK", "buying"),
        ("6300 Software", "Annual ERP license fee", "CA", "software"),
        ("6300 IT", "SaaS subscription, PLM design tool", "US", "saas"),
        ("5300 Product design", "Design of 2025 line by our Portland studio", "US", "United States"),
    ],
)
def test_what_is_not_part_of_the_price_is_excluded_with_the_reason(gl, memo, country, why):
    read = read_payment({"gl_account": gl, "memo": memo, "vendor_country": country}, PARAMS)
    assert read is not None and read[0] == "excluded" and why in read[1] + read[2], read


@pytest.mark.parametrize(
    "gl, memo",
    [
        ("5000 Inventory purchases", "Invoice 8812 goods"),
        ("6100 Rent", "Warehouse rent October"),
        ("5500 Customs duties", "Duty payment entry 112-3344556-7"),
    ],
)
def test_ordinary_payments_read_as_nothing(gl, memo):
    assert read_payment({"gl_account": gl, "memo": memo, "vendor_country": "CN"}, PARAMS) is None


def test_the_words_are_settings(monkeypatch):
    monkeypatch.setenv("FAPREP_CHECK_ASSIST_MATERIALS_WORDS", '["cut parts kit"]')
    custom = CheckSettings()
    assert read_payment({"gl_account": "", "memo": "Cut parts kit for 44-B"}, custom)[:2] == ("assist", "materials")
    assert read_payment({"gl_account": "", "memo": "Zippers supplied FOC"}, custom) is None
