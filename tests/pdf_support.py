"""Reading a PDF as its reader would: its text (pdftotext) and the QR codes printed on it.

The documents draw their QR code as vector paths (an inline SVG), which pdfimages does not see:
each page is rasterised (pdftoppm, Debian's poppler-utils), the QR codes' finder patterns found
(the squares in three corners, dark-light-dark 1:1:3:1:1 across and down), and each upright
L of three of them (top left, top right, bottom left) counts as one code.
"""

import io
import itertools
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

DPI = 150


def _require(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} manquant : lancez `make system-deps` (paquet poppler-utils).")


def pdf_text(pdf: bytes) -> str:
    """The PDF's text in reading order, white space folded (lines of a paragraph joined)."""
    _require("pdftotext")
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return re.sub(r"\s+", " ", result.stdout.decode())


def raster_images(pdf: bytes) -> int:
    """How many raster images the PDF's pages show (pdfimages -list)."""
    _require("pdfimages")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        listed = subprocess.run(
            ["pdfimages", "-list", handle.name], capture_output=True, check=True
        ).stdout.decode()
    return max(0, len(listed.splitlines()) - 2)  # two header lines


def qr_codes(pdf: bytes) -> int:
    """How many QR codes are printed on the PDF's pages."""
    from PIL import Image

    _require("pdftoppm")
    total = 0
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["pdftoppm", "-r", str(DPI), "-gray", "-png", "-", f"{folder}/page"],
            input=pdf,
            check=True,
        )
        for path in sorted(Path(folder).glob("page-*.png")):
            with Image.open(io.BytesIO(path.read_bytes())) as image:
                total += len(_codes(_finders(image.convert("L"))))
    return total


def _runs(pixels: bytes) -> list[tuple[bool, int, int]]:
    """(dark, start, length) of each run of one row or column."""
    runs, start = [], 0
    for dark, group in itertools.groupby(pixels, key=lambda value: value < 128):
        length = sum(1 for _ in group)
        runs.append((dark, start, length))
        start += length
    return runs


def _unit(lengths) -> float | None:
    """The module size if the five runs read 1:1:3:1:1, else None."""
    total = sum(lengths)
    if total < 7 * 2:
        return None
    unit = total / 7
    if all(
        abs(n - w * unit) <= w * unit * 0.5 for n, w in zip(lengths, (1, 1, 3, 1, 1), strict=True)
    ):
        return unit
    return None


def _finders(image) -> list[tuple[int, int, float]]:
    """The centres (x, y) and module size of the finder patterns, one per pattern."""
    width, height = image.size
    data = image.tobytes()
    columns: dict[int, list[tuple[bool, int, int]]] = {}
    found: list[tuple[int, int, float]] = []
    for y in range(height):
        runs = _runs(data[y * width : (y + 1) * width])
        for i in range(len(runs) - 4):
            window = runs[i : i + 5]
            if not window[0][0] or (unit := _unit([r[2] for r in window])) is None:
                continue
            x = window[2][1] + window[2][2] // 2
            if x not in columns:
                columns[x] = _runs(data[x::width])
            down = columns[x]
            j = next(k for k, (_d, start, n) in enumerate(down) if start <= y < start + n)
            if j < 2 or j + 2 >= len(down):
                continue
            across = _unit([r[2] for r in down[j - 2 : j + 3]])
            if across is None or abs(across - unit) > unit * 0.5:
                continue
            if not any(abs(fx - x) < 4 * u and abs(fy - y) < 4 * u for fx, fy, u in found):
                found.append((x, y, unit))
    return found


def _codes(finders) -> list[tuple[int, int]]:
    """The codes the finder patterns make: an upright code has one at its top left, one as far
    to its right and one as far below it (14 to 40 modules: versions 1 to 6), all three of
    the same module size. Each code's top-left corner."""
    codes = []
    for x, y, unit in finders:
        alike = [(fx, fy) for fx, fy, u in finders if abs(u - unit) <= unit * 0.25]
        right = [fx - x for fx, fy in alike if abs(fy - y) <= unit and fx > x]
        below = [fy - y for fx, fy in alike if abs(fx - x) <= unit and fy > y]
        if any(abs(a - b) <= 2 * unit and 14 <= a / unit <= 40 for a in right for b in below):
            codes.append((x, y))
    return codes
