"""The shared CSV writer (DESIGN §5): `;`, BOM, CRLF, text formulas neutralised, and
numbers a feature formats left numbers, even negative ones."""

from __future__ import annotations

from decimal import Decimal

from capintra.web.exports import csv_bytes, neutralise


def test_text_that_a_spreadsheet_would_run_is_made_text():
    for text in ("=1+1", "+33", "-2", "@SUM(A1)", "\tx"):
        assert neutralise(text) == "'" + text
    assert neutralise("Saint-Étienne") == "Saint-Étienne"
    assert neutralise(12) == 12


def test_csv_is_semicolon_bom_crlf_and_formats_after_the_check():
    def french(value: object) -> object:
        return format(value, "f").replace(".", ",") if isinstance(value, Decimal) else value

    data = csv_bytes(["Nom", "Montant"], [["=HYPERLINK(1)", Decimal("-12.50")], [None, 3]], french)
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert text == "Nom;Montant\r\n'=HYPERLINK(1);-12,50\r\n;3\r\n"
