"""PDF files read back, as the tests of printed copies check them."""

from __future__ import annotations

import io

from pypdf import PdfReader


def page_texts(body: bytes) -> list[str]:
    """Each page's text, spaces collapsed: a table cell may wrap a phrase over lines."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages]


def page_lines(body: bytes) -> list[list[str]]:
    """Each page's text, line by line as laid out."""
    return [page.extract_text().splitlines() for page in PdfReader(io.BytesIO(body)).pages]


def embedded_fonts(body: bytes) -> set[str]:
    """Names of the fonts whose TrueType program the file carries."""
    found = set()
    for page in PdfReader(io.BytesIO(body)).pages:
        for ref in page["/Resources"]["/Font"].values():
            for descendant in ref.get_object().get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if "/FontFile2" in descriptor:
                    found.add(str(descriptor["/FontName"]))
    return found
