"""Small real files for the demo school's homework: plain text, a one-page PDF and a PNG,
made from the homework's text, so that downloads in the demo open in ordinary viewers."""

from __future__ import annotations

import struct
import zlib


def text_file(title: str, body: str) -> bytes:
    return f"{title}\n\n{body}\n".encode()


def pdf_file(lines: list[str]) -> bytes:
    """A one-page PDF showing `lines` in Helvetica. PDF's standard fonts cover Latin-1 only,
    so other characters are written as question marks."""

    def escaped(line: str) -> str:
        latin = line.encode("latin-1", "replace").decode("latin-1")
        return latin.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    shown = "".join(f"({escaped(line)}) Tj 0 -18 Td " for line in lines)
    content = f"BT /F1 12 Tf 56 780 Td {shown}ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def png_file(seed: int, width: int = 96, height: int = 64) -> bytes:
    """A small grey-scale PNG: a diagonal pattern that differs with `seed`."""
    rows = b"".join(
        b"\x00" + bytes((x * 3 + y * (seed % 5 + 1) * 2) % 256 for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
