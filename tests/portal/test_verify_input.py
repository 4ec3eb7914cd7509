"""What the verify page accepts: the QR link, a pasted payload, or number plus seal."""

from __future__ import annotations

import pytest

from fieldapp.archive.portal.verify import read_input
from fieldapp.documents.errors import DocumentError
from fieldapp.documents.qr import qr_payload

SEAL = "ab" * 32


@pytest.mark.parametrize("code, slip, seal", [
    ("", "S-E01-20261201-001", SEAL),  # the QR link's own query (?slip=…&seal=…)
    (qr_payload("S-E01-20261201-001", SEAL, "https://fw.example.cn/portal/verify"), "", ""),
    (qr_payload("S-E01-20261201-001", SEAL), "", ""),  # fieldapp:verify?… (no verify_url)
    ("  S-E01-20261201-001 ", "", SEAL.upper()),  # typed by hand
])
def test_every_form_of_the_question_gives_the_number_and_the_seal(code, slip, seal):
    assert read_input(code, slip, seal) == ("S-E01-20261201-001", SEAL)


@pytest.mark.parametrize("code, slip, seal", [
    ("S-E01-20261201-001", "", ""),  # no seal
    ("S-E01-20261201-001", "", "12345"),
    ("https://example.com/?q=1", "", ""),
    ("", "", SEAL),
    ("x" * 40, "", SEAL),
])
def test_anything_else_gets_a_message_in_both_languages(code, slip, seal):
    with pytest.raises(DocumentError) as raised:
        read_input(code, slip, seal)
    assert raised.value.zh and raised.value.en
