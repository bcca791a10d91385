"""Read the uploaded files of an import safely: the sheet's zip and the archive of documents.

An .xlsx is a zip of XML parts. Before openpyxl sees one, every part's declared
size and compression ratio is checked, then every part is streamed once counting
the bytes that really come out (a header can lie), so a sheet bomb is refused
after reading at most MAX_SHEET_BYTES and never reaches `load_workbook`.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePosixPath
from typing import IO, Any

from openpyxl import load_workbook

from contracts.errors import ImportTooLargeError
from engine.errors import InvalidInputError

COLUMNS = (
    "number title contract_type amount currency department counterparty "
    "effective_date expiry_date tags external_ref file"
).split()
MAX_ROWS = 5000
MAX_SCANNED_ROWS = 2 * MAX_ROWS  # empty rows included
MAX_COLUMNS = 50
MAX_CELL_CHARS = 2000
MAX_SHEET_MEMBERS = 500
MAX_SHEET_BYTES = 50 * 1024 * 1024  # all parts of the .xlsx, unpacked
MAX_ARCHIVE_MEMBERS = 10_000
MAX_ARCHIVE_BYTES = 2 * 1024**3
MAX_COMPRESSION_RATIO = 100
SMALL_MEMBER_BYTES = 1024 * 1024  # below this any ratio is harmless (XML compresses well)
_CHUNK = 64 * 1024
# signature, version, flags, method, time, date, crc, sizes, name and extra lengths
_LOCAL_HEADER = struct.Struct("<4s5HLLLHH")


def check_archive(archive: IO[bytes]) -> set[str]:
    """Return the member names of a safe zip; refuse path tricks and zip bombs."""
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise InvalidInputError("the archive is not a valid zip file") from None
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        raise InvalidInputError(f"the archive has more than {MAX_ARCHIVE_MEMBERS} files")
    total = 0
    names: set[str] = set()
    for info in infos:
        _check_member_name(info.filename)
        total += info.file_size
        _check_ratio(info, "archive member")
        if not info.is_dir():
            names.add(info.filename)
    if total > MAX_ARCHIVE_BYTES:
        raise ImportTooLargeError(
            "the archive expands beyond the 2 GB limit: refused",
            details={"reason": "archive_too_large", "limit_mb": MAX_ARCHIVE_BYTES // 1024**2},
        )
    return names


def check_workbook(sheet: IO[bytes]) -> None:
    """Refuse an .xlsx whose parts expand too far, by their headers or by what really inflates."""
    try:
        with zipfile.ZipFile(sheet) as zf:
            infos = zf.infolist()
        if len(infos) > MAX_SHEET_MEMBERS:
            raise InvalidInputError(f"the sheet has more than {MAX_SHEET_MEMBERS} parts")
        declared = 0
        for info in infos:
            declared += info.file_size
            _check_ratio(info, "sheet part")
        if declared > MAX_SHEET_BYTES:
            raise _sheet_too_large()
        budget = MAX_SHEET_BYTES
        for info in infos:
            budget -= _inflate_member(sheet, info, budget)
    except (zipfile.BadZipFile, zlib.error, struct.error) as exc:
        raise InvalidInputError(f"the sheet is not a readable .xlsx file ({exc})") from None
    finally:
        sheet.seek(0)


def _inflate_member(sheet: IO[bytes], info: zipfile.ZipInfo, budget: int) -> int:
    """Inflate a part's raw data ourselves, counting the bytes that really come out.

    zipfile (and so openpyxl) trusts the directory's sizes; a part whose data
    inflates past its declared size, or past what is left of the budget, is
    refused after at most `budget` bytes, never held in memory.
    """
    sheet.seek(info.header_offset)
    local = sheet.read(_LOCAL_HEADER.size)
    fields = _LOCAL_HEADER.unpack(local)
    if fields[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no local header for '{info.filename}'")
    sheet.seek(fields[-2] + fields[-1], 1)  # the name and the extra field
    if info.compress_type == zipfile.ZIP_STORED:
        out = info.compress_size
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        out = _inflated_size(sheet, info.compress_size, min(budget, info.file_size) + 1)
    else:
        raise InvalidInputError(f"sheet part '{info.filename}' uses an unknown compression")
    if out > budget:
        raise _sheet_too_large()
    if out != info.file_size:
        raise InvalidInputError(
            f"sheet part '{info.filename}' is not the size its zip header says: refused",
            details={"reason": "size_mismatch", "member": info.filename},
        )
    return out


def _inflated_size(stream: IO[bytes], compressed: int, stop_after: int) -> int:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    out = 0
    left = compressed
    while left > 0 and out < stop_after:
        data = stream.read(min(_CHUNK, left))
        if not data:
            break
        left -= len(data)
        while data and out < stop_after:
            out += len(inflater.decompress(data, _CHUNK))
            data = inflater.unconsumed_tail
    if out < stop_after:
        out += len(inflater.flush())
    return out


def _check_ratio(info: zipfile.ZipInfo, what: str) -> None:
    ratio = info.file_size / max(info.compress_size, 1)
    if ratio > MAX_COMPRESSION_RATIO and info.file_size > SMALL_MEMBER_BYTES:
        raise InvalidInputError(
            f"{what} '{info.filename}' expands {ratio:.0f} times: refused as a zip bomb",
            details={"reason": "zip_bomb", "member": info.filename, "ratio": round(ratio)},
        )


def _sheet_too_large() -> ImportTooLargeError:
    return ImportTooLargeError(
        f"the sheet expands beyond {MAX_SHEET_BYTES // 1024**2} MB when unpacked: refused",
        details={"reason": "sheet_too_large", "limit_mb": MAX_SHEET_BYTES // 1024**2},
    )


def _check_member_name(name: str) -> None:
    path = PurePosixPath(name.replace("\\", "/"))
    unsafe = (
        name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
        or ".." in path.parts
        or "\x00" in name
    )
    if unsafe:
        raise InvalidInputError(
            f"archive member name '{name}' points outside the archive: refused",
            details={"archive": [f"unsafe member name: {name}"]},
        )


def read_sheet(sheet: IO[bytes]) -> list[tuple[int, dict[str, Any]]]:
    """Return (row number, values by column) for each non-empty row of the first sheet."""
    check_workbook(sheet)
    try:
        workbook = load_workbook(sheet, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise InvalidInputError(f"the sheet is not a readable .xlsx file ({exc})") from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
        header = [str(h or "").strip().lower() for h in next(rows, ())]
        while header and not header[-1]:
            header.pop()
        if len(header) > MAX_COLUMNS:
            raise InvalidInputError(
                f"the sheet has more than {MAX_COLUMNS} columns",
                details={"reason": "too_many_columns", "limit": MAX_COLUMNS},
            )
        unknown = [h for h in header if h and h not in COLUMNS]
        if unknown or "title" not in header:
            raise InvalidInputError(
                "the first row must name the columns: " + ", ".join(COLUMNS),
                details={"columns": [f"unknown: {', '.join(unknown)}"] if unknown else None},
            )
        return _records(rows, header)
    finally:
        workbook.close()


def _records(rows: Any, header: list[str]) -> list[tuple[int, dict[str, Any]]]:
    records = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_SCANNED_ROWS:
            raise _too_many_rows()
        data = {h: _cell(v, number) for h, v in zip(header, values, strict=False) if h}
        if any(v not in (None, "") for v in data.values()):
            records.append((number, data))
        if len(records) > MAX_ROWS:
            raise _too_many_rows()
    return records


def _too_many_rows() -> ImportTooLargeError:
    return ImportTooLargeError(
        f"at most {MAX_ROWS} rows per import",
        details={"reason": "too_many_rows", "limit": MAX_ROWS},
    )


def _cell(value: Any, row_number: int) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | int) and not isinstance(value, bool):
        return str(Decimal(str(value)))
    if isinstance(value, str):
        if len(value) > MAX_CELL_CHARS:
            raise InvalidInputError(
                f"row {row_number} has a cell longer than {MAX_CELL_CHARS} characters",
                details={"reason": "cell_too_long", "row": row_number, "limit": MAX_CELL_CHARS},
            )
        return value.strip()
    return value
