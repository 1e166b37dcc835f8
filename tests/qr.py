"""Read QR codes back out of a PDF or an image, the way a phone would: from pixels.

A test that puts a QR code on a letter renders the PDF with PDFium (the engine of Chrome's PDF
viewer) and decodes what it sees with zxing-cpp. Nothing here looks at the SVG or the PDF's
drawing operators, so a code that is there but cannot be scanned (too small, no quiet zone, clipped)
fails the test.
"""

import pypdfium2
import zxingcpp


def decode_qr_codes(pdf_bytes: bytes, *, page: int = 0, scale: float = 4) -> list[str]:
    """The text of every QR code on ``page`` (0-based) of the PDF, rendered at ``scale``
    times 72 dpi (scale=4: 288 dpi)."""
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        # Decode before closing: the PIL image may share the bitmap's memory.
        return decode_qr_codes_in_image(document[page].render(scale=scale).to_pil())
    finally:
        document.close()


def decode_qr_codes_in_image(image) -> list[str]:
    """The text of every QR code in a PIL image, in the order zxing-cpp finds them."""
    barcodes = zxingcpp.read_barcodes(
        image,
        formats=zxingcpp.BarcodeFormat.QRCode,
        text_mode=zxingcpp.TextMode.Plain,
    )
    return [barcode.text for barcode in barcodes if barcode.valid]
