"""Benchmark: upload + encrypt + extract a 50 MB PDF and a 5 MB DOCX; throughput and peak memory.

Each measurement runs in a fresh subprocess so ru_maxrss shows that an upload's peak
memory does not grow with the file size. Run: .venv/bin/python bench/documents.py
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


def measure(path: str) -> dict[str, float]:
    """Upload one file through the real ingest pipeline (in this fresh process)."""
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
    data_key = crypto.new_data_key()
    started = time.perf_counter()
    for _ in crypto.encrypt_chunks(data_key, ingest.read_chunks(Path(path))):
        pass
    encrypt_s = time.perf_counter() - started
    with open(path, "rb") as handle:
        started = time.perf_counter()
        stored = ingest.receive(ingest.Upload(handle, Path(path).name, size), settings)
        total_s = time.perf_counter() - started
    return {
        "size_mb": size / MB,
        "encrypt_mb_s": size / MB / encrypt_s,
        "upload_mb_s": size / MB / total_s,
        "upload_s": total_s,
        "text_chars": len(stored.text),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    cases = [("pdf", 10), ("pdf", 50), ("docx", 5)]
    print(
        f"{'file':<10}{'MB':>6}{'encrypt MB/s':>14}{'upload MB/s':>13}{'s':>7}{'peak RSS MB':>13}"
    )
    for kind, size in cases:
        path = folder / f"sample-{size}.{kind}"
        (make_pdf if kind == "pdf" else make_docx)(path, size * MB)
        out = subprocess.run(
            [sys.executable, __file__, "--measure", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(out.stdout)
        print(
            f"{kind:<10}{r['size_mb']:>6.1f}{r['encrypt_mb_s']:>14.0f}{r['upload_mb_s']:>13.1f}"
            f"{r['upload_s']:>7.2f}{r['peak_rss_mb']:>13.0f}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        print(json.dumps(measure(sys.argv[2])))
    else:
        main()
