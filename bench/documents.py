"""Benchmark: upload + encrypt + extract PDFs of 10-100 MB and DOCX files; MB/s and peak memory.

Every sample is generated, and every upload measured, in its own fresh process. The
peak is the measuring process's VmHWM (/proc/self/status), not ru_maxrss: on Linux
ru_maxrss survives fork+exec, so a child started by a parent that has just built a
50 MB sample in memory would report the parent's peak, not its own.
Run: .venv/bin/python bench/documents.py
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

MB = 1024 * 1024


def make_pdf(path: Path, size: int) -> None:
    """A few text pages plus an incompressible attachment to reach `size` bytes."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for n in range(20):
        page.setFont("STSong-Light", 11)
        for i in range(40):
            page.drawString(
                40, 800 - 19 * i, f"第{n}页 第{i}条 甲方应付款 Clause {i} payment terms"
            )
        page.showPage()
    page.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    writer.add_attachment("scan.bin", os.urandom(max(0, size - len(buffer.getvalue()))))
    with path.open("wb") as handle:
        writer.write(handle)


def make_scanned_pdf(path: Path, size: int) -> None:
    """A scanned contract: one incompressible ~1 MB image and a line of text per page."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    side = 580  # 580 x 580 RGB noise ~ 1 MB, even after Flate
    page = canvas.Canvas(str(path))
    for n in range(max(1, size // (side * side * 3))):
        noise = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        page.drawImage(ImageReader(noise), 20, 150, width=550, height=550)
        page.drawString(40, 800, f"Page {n}: scanned purchase contract, clause {n}")
        page.showPage()
    page.save()


def make_docx(path: Path, size: int) -> None:
    import docx

    document = docx.Document()
    for i in range(2000):
        document.add_paragraph(
            f"第{i}条 甲方应于三十日内付款。 Clause {i}: payment within 30 days."
        )
    media = Path(tempfile.mkdtemp()) / "scan.png"
    media.write_bytes(_png(size))
    document.add_picture(str(media))
    document.save(str(path))


def _png(size: int) -> bytes:
    import struct
    import zlib

    width = 1024
    height = max(1, size // (width * 3))
    raw = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 1))
        + chunk(b"IEND", b"")
    )


def peak_rss_mb() -> float:
    """This process's own resident-set high-water mark (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def encryption_mb_s(path: Path, at_least: int = 256 * MB) -> float:
    """AES-256-GCM over the file's chunks, repeated to `at_least` bytes, after a warm-up."""
    from contracts.documents import crypto, ingest

    data_key = crypto.new_data_key()
    for _ in crypto.encrypt_chunks(data_key, [os.urandom(MB)]):
        pass  # warm-up: OpenSSL's first AES-GCM context, page-cache reads

    def repeated() -> Iterator[bytes]:
        done = 0
        while done < at_least:
            for chunk in ingest.read_chunks(path):
                done += len(chunk)
                yield chunk

    total = 0
    started = time.perf_counter()
    for sealed in crypto.encrypt_chunks(data_key, repeated()):
        total += len(sealed)
    return total / MB / (time.perf_counter() - started)


def measure(path: str) -> dict[str, float]:
    """Upload one file through the real ingest pipeline (in this fresh process)."""
    import docx  # noqa: F401 - imported up front: the baseline includes every library
    import pypdf  # noqa: F401

    from contracts.documents import crypto, ingest
    from contracts.documents.settings import DocumentSettings
    from contracts.documents.storage import LocalStorage

    root = Path(tempfile.mkdtemp())
    settings = DocumentSettings(
        storage=LocalStorage(root),
        keyring=crypto.Keyring(os.urandom(32)),
        temp_dir=root / "tmp",
        max_upload_bytes=200 * MB,
    )
    size = Path(path).stat().st_size
    baseline = peak_rss_mb()
    with open(path, "rb") as handle:
        started = time.perf_counter()
        stored = ingest.receive(ingest.Upload(handle, Path(path).name, size), settings)
        total_s = time.perf_counter() - started
    peak = peak_rss_mb()  # before the encryption loop below, which streams too
    return {
        "size_mb": size / MB,
        "encrypt_mb_s": encryption_mb_s(Path(path)),
        "upload_mb_s": size / MB / total_s,
        "upload_s": total_s,
        "text_chars": len(stored.text),
        "pages": stored.page_count or 0,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": peak,
    }


MAKERS = {"pdf": make_pdf, "scanned-pdf": make_scanned_pdf, "docx": make_docx}
CASES = [
    ("pdf", 10),
    ("pdf", 50),
    ("pdf", 100),
    ("scanned-pdf", 10),
    ("scanned-pdf", 50),
    ("scanned-pdf", 100),
    ("docx", 5),
    ("docx", 50),
]


def _run(*args: str) -> str:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return out.stdout


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    print(
        f"{'file':<13}{'MB':>6}{'pages':>7}{'encrypt MB/s':>14}{'upload MB/s':>13}{'s':>7}"
        f"{'base MB':>9}{'peak RSS MB':>13}"
    )
    for kind, size in CASES:
        path = folder / f"sample-{size}.{kind.split('-')[-1]}"
        _run("--make", kind, str(size), str(path))
        r = json.loads(_run("--measure", str(path)))
        path.unlink()
        print(
            f"{kind:<13}{r['size_mb']:>6.1f}{r['pages']:>7}{r['encrypt_mb_s']:>14.0f}"
            f"{r['upload_mb_s']:>13.1f}{r['upload_s']:>7.2f}{r['baseline_rss_mb']:>9.0f}"
            f"{r['peak_rss_mb']:>13.0f}"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2])))
    elif len(sys.argv) == 5 and sys.argv[1] == "--make":
        MAKERS[sys.argv[2]](Path(sys.argv[4]), int(sys.argv[3]) * MB)
    else:
        main()
