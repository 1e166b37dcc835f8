"""IBANs and the EPC QR code (plumbing.epc), down to a QR code scanned back from a rendered PDF."""

import re
from decimal import Decimal

import pypdfium2
import pytest
import segno
import zxingcpp
from django.utils import translation

from plumbing.epc import (
    IBANError,
    epc_payload,
    epc_qr_svg,
    format_iban,
    normalise_iban,
)
from tests.qr import decode_qr_codes

NAME = "Stichting KVO Deventer"
IBAN = "NL91ABNA0417164300"
RF_REFERENCE = "RF18539007547034"
EXAMPLE = {"name": NAME, "iban": IBAN, "amount": Decimal("181.00"), "reference": RF_REFERENCE}


def with_check_digits(country: str, bban: str) -> str:
    """An IBAN with correct ISO 13616 check digits, whatever its length."""
    number = int("".join(str(int(char, 36)) for char in bban + country + "00"))
    return f"{country}{98 - number % 97:02d}{bban}"


def letter_pdf(svg: str, *, width: str) -> bytes:
    """An A4 page with the QR code where a payment slip would have it, through the one PDF path."""
    from plumbing.pdf import html_to_pdf

    return html_to_pdf(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
        "@page { size: A4; margin: 20mm; } .epc-qr { display: block; width: " + width + "; }"
        "</style></head><body><p>Betaal met uw bankapp:</p>" + svg + "</body></html>"
    )


# --- IBAN ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("NL91ABNA0417164300", "NL91ABNA0417164300"),
        ("nl91 abna 0417 1643 00", "NL91ABNA0417164300"),
        ("  NL91\u00a0ABNA 0417\t1643 00 ", "NL91ABNA0417164300"),
        ("BE68 5390 0754 7034", "BE68539007547034"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"),
        ("LU28 0019 4006 4475 0000", "LU280019400644750000"),
        ("GB29 NWBK 6016 1331 9268 19", "GB29NWBK60161331926819"),
    ],
)
def test_normalise_iban(value, expected):
    assert normalise_iban(value) == expected


def test_format_iban_in_groups_of_four():
    assert format_iban("nl91abna0417164300") == "NL91 ABNA 0417 1643 00"
    assert format_iban("BE68539007547034") == "BE68 5390 0754 7034"
    assert format_iban("FR1420041010050500013M02606") == "FR14 2004 1010 0505 0001 3M02 606"


def test_the_length_helper_makes_valid_ibans():
    assert with_check_digits("NL", "ABNA0417164300") == IBAN


@pytest.mark.parametrize(
    "value",
    [
        "NL92ABNA0417164300",  # wrong check digits
        "NL91ABNA0417164301",  # one digit mistyped
        "NL91ABNA0417164030",  # two digits swapped
        with_check_digits("NL", "ABNA041716430"),  # 17 characters, check digits right
        with_check_digits("NL", "ABNA04171643000"),  # 19 characters, check digits right
        with_check_digits("DE", "37040044053201300"),  # 21 for Germany
        with_check_digits("XK", "1" * 9),  # 13: shorter than any IBAN
        with_check_digits("XK", "1" * 31),  # 35: longer than any IBAN
        "",
        "   ",
        "NL",
        "hello world",
        "1234567890123456",
        "NLAB ABNA 0417 1643 00",
        "NL91-ABNA-0417-1643-00",
        "NL91ABNA04171643ÖÖ",
    ],
)
def test_normalise_iban_refuses(value):
    with pytest.raises(IBANError):
        normalise_iban(value)


def test_iban_error_speaks_to_the_user():
    with translation.override("en"), pytest.raises(ValueError) as raised:
        format_iban("NL92ABNA0417164300")

    assert isinstance(raised.value, IBANError)
    assert raised.value.code == "invalid_iban"
    with translation.override("en"):
        assert raised.value.message == "Enter a valid IBAN, such as NL91 ABNA 0417 1643 00."
        assert str(raised.value) == raised.value.message


# --- payload ---------------------------------------------------------------------------------


def test_payload_with_a_structured_reference():
    payload = epc_payload(
        name=NAME,
        iban="NL91 ABNA 0417 1643 00",
        amount=Decimal("181"),
        reference="RF18 5390 0754 7034",
    )

    assert payload.split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "",
        "Stichting KVO Deventer",
        "NL91ABNA0417164300",
        "EUR181.00",
        "",
        "RF18539007547034",
    ]


def test_payload_with_text_and_bic():
    payload = epc_payload(
        name="Ondernemersvereniging Binnenstad",
        iban=IBAN,
        amount=Decimal("12.5"),
        text="Bijdrage KVO 2026, winkel 17",
        bic="abnanl2a",
    )

    assert payload == (
        "BCD\n002\n1\nSCT\nABNANL2A\nOndernemersvereniging Binnenstad\nNL91ABNA0417164300\n"
        "EUR12.50\n\n\nBijdrage KVO 2026, winkel 17"
    )


def test_payload_without_remittance_ends_at_the_amount():
    payload = epc_payload(name=NAME, iban=IBAN, amount=Decimal("0.01"))

    assert payload == "BCD\n002\n1\nSCT\n\nStichting KVO Deventer\nNL91ABNA0417164300\nEUR0.01"


@pytest.mark.parametrize(
    "amount, expected",
    [
        (Decimal("0.01"), "EUR0.01"),
        (Decimal("181"), "EUR181.00"),
        (Decimal("1234.5"), "EUR1234.50"),
        (Decimal("181.000"), "EUR181.00"),
        (Decimal("999999999.99"), "EUR999999999.99"),
        (25, "EUR25.00"),
    ],
)
def test_payload_amounts(amount, expected):
    assert epc_payload(name=NAME, iban=IBAN, amount=amount).split("\n")[7] == expected


@pytest.mark.parametrize(
    "amount",
    [
        Decimal("0"),
        Decimal("0.00"),
        Decimal("-5.00"),
        Decimal("1000000000.00"),
        Decimal("181.005"),  # no rounding of money behind the user's back
        Decimal("NaN"),
        Decimal("Infinity"),
        181.0,  # never a float
        "181.00",
        True,
    ],
)
def test_payload_refuses_amounts(amount):
    with pytest.raises(ValueError):
        epc_payload(name=NAME, iban=IBAN, amount=amount)


def test_payload_accepts_70_characters_of_name():
    name = "N" * 70

    assert epc_payload(name=name, iban=IBAN, amount=Decimal(1)).split("\n")[5] == name


@pytest.mark.parametrize(
    "changes, match",
    [
        # Refused, not truncated: the bank checks the name against the account (Verification of
        # Payee), and a cut name can fail that check where the whole one would not.
        ({"name": "N" * 71}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "KVO\nDeventer"}, "line break"),
        ({"reference": RF_REFERENCE, "text": "Bijdrage"}, "not both"),
        ({"reference": "RF19539007547034"}, "check digits"),
        ({"reference": "1" * 36}, "35"),
        ({"reference": "ABC-123"}, "letters and digits"),
        ({"text": "x" * 141}, "140"),
        ({"text": "regel\r\nregel"}, "line break"),
        ({"bic": "ABNANL2"}, "BIC"),
        ({"bic": "ABNA\nNL2A"}, "line break"),
        # 70 + 140 three-byte characters: within the character limits, over 331 bytes.
        ({"name": "€" * 70, "text": "€" * 140}, "331 bytes"),
    ],
)
def test_payload_refuses(changes, match):
    arguments = {"name": NAME, "iban": IBAN, "amount": Decimal("181.00"), **changes}

    with pytest.raises(ValueError, match=match):
        epc_payload(**arguments)


def test_payload_refuses_a_bad_iban_with_the_user_message():
    with pytest.raises(IBANError):
        epc_payload(name=NAME, iban="NL91ABNA0417164301", amount=Decimal(1))


# --- SVG -------------------------------------------------------------------------------------


def test_svg_is_inline_scalable_and_level_m():
    payload = epc_payload(**EXAMPLE)

    svg = epc_qr_svg(payload)

    assert svg.startswith('<svg viewBox="0 0 ')
    assert "<?xml" not in svg
    assert not re.search(r"<svg[^>]*\s(width|height)=", svg)
    assert 'class="epc-qr"' in svg
    # The viewBox is the symbol plus a quiet zone of four modules on each side.
    qr = segno.make_qr(payload.encode(), error="M", boost_error=False, mode="byte")
    size = qr.symbol_size(border=4)[0]
    assert f'viewBox="0 0 {size} {size}"' in svg
    assert qr.error == "M"
    assert 'fill="#fff"' in svg  # the quiet zone is painted white, whatever the background


def test_svg_refuses_an_oversized_payload():
    with pytest.raises(ValueError, match="331"):
        epc_qr_svg("BCD\n" + "x" * 328)


# --- scanned back from a PDF -----------------------------------------------------------------


def test_round_trip_through_weasyprint_and_a_scanner():
    payload = epc_payload(**EXAMPLE)

    pdf = letter_pdf(epc_qr_svg(payload), width="60mm")

    (decoded,) = decode_qr_codes(pdf)
    assert decoded == payload
    lines = decoded.split("\n")
    assert "NL91ABNA0417164300" in lines
    assert "EUR181.00" in lines
    assert "RF18539007547034" in lines


@pytest.mark.parametrize("scale", [4, 2])
def test_scans_at_38_mm_the_size_of_a_letter(scale):
    payload = epc_payload(**EXAMPLE)

    pdf = letter_pdf(epc_qr_svg(payload), width="38mm")

    assert decode_qr_codes(pdf, scale=scale) == [payload]


def scan(pdf: bytes) -> list:
    """zxing-cpp's barcodes on page one at 288 dpi, with positions and raw bytes."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=4).to_pil()
        return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    finally:
        document.close()


def test_css_sets_the_printed_size():
    payload = epc_payload(**EXAMPLE)
    modules = segno.make_qr(payload.encode(), error="M", boost_error=False).symbol_size(border=0)[0]

    (barcode,) = scan(letter_pdf(epc_qr_svg(payload), width="38mm"))

    symbol_mm = (barcode.position.top_right.x - barcode.position.top_left.x) / 288 * 25.4
    # 38 mm is the symbol plus its quiet zone of four modules on each side.
    assert symbol_mm == pytest.approx(38 * modules / (modules + 8), abs=0.5)
    assert barcode.ec_level == "M"


def test_the_densest_payload_scans_at_38_mm():
    # Full name and full text: the largest QR version a letter will carry.
    payload = epc_payload(
        name="Stichting Keurmerk Veilig Ondernemen Winkelgebied Binnenstad Deventer",
        iban="FR14 2004 1010 0505 0001 3M02 606",
        amount=Decimal("999999999.99"),
        text=("Bijdrage " + "KVO-certificering, winkel 17, factuur 2026-000123; " * 3)[:140],
        bic="BNPAFRPPXXX",
    )
    assert segno.make_qr(payload.encode(), error="M", boost_error=False).version >= 10

    pdf = letter_pdf(epc_qr_svg(payload), width="38mm")

    assert decode_qr_codes(pdf) == [payload]
    # The bytes in the symbol are UTF-8, as line 3 ("1") promises, not Latin-1.
    (barcode,) = scan(pdf)
    assert barcode.bytes == payload.encode("utf-8")


def test_utf8_names_survive_the_scan():
    payload = epc_payload(
        name="Vereniging Ondernemers ’s-Hertogenbosch Café Één", iban=IBAN, amount=Decimal(5)
    )

    pdf = letter_pdf(epc_qr_svg(payload), width="38mm")

    assert decode_qr_codes(pdf) == [payload]
    # The bytes in the symbol are UTF-8, as line 3 ("1") promises, not Latin-1.
    (barcode,) = scan(pdf)
    assert barcode.bytes == payload.encode("utf-8")
