"""QR codes as SVG, made on the server with ``segno`` (pure Python; no CDN, works offline)."""

from __future__ import annotations

import io

import segno

# Error correction "M" (15 % of the symbol may be damaged or hidden) fits a short link in a
# 33×33 symbol; at most 2,331 bytes of link fit, so a long link should be shortened first.
ERROR_LEVEL = "m"


class QrTooLong(ValueError):
    """The text does not fit in the largest QR symbol."""


def qr_svg(text: str, title: str = "") -> bytes:
    """An SVG of the QR code of ``text``: black modules on white, 4 modules of quiet zone, a
    ``viewBox`` and no fixed size (the page sizes it with CSS)."""
    try:
        code = segno.make(text, error=ERROR_LEVEL, micro=False, boost_error=True)
    except segno.DataOverflowError:
        raise QrTooLong(f"{len(text.encode('utf-8'))} bytes do not fit in a QR code; "
                        "shorten the link first") from None
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=1, border=4, dark="#000", light="#fff",
              xmldecl=False, omitsize=True, title=title or None)
    return buffer.getvalue()
