"""Shared machinery of the importers: the report, streaming blocks, tolerant parsing.

Files are read in byte blocks that end on a line break, repaired to UTF-8 line by line
where needed (mixed encodings), and parsed with ``pyarrow.csv`` (multithreaded). Rows
with the wrong number of fields are counted, never fatal; a file that cannot be read
at all raises :class:`~earlywarn.errors.ImportFormatError`.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from earlywarn._log import get_logger
from earlywarn.errors import ImportFormatError
from earlywarn.schema import TABLES, empty_frame

__all__ = [
    "BLOCK_BYTES",
    "CalendarDates",
    "ImportReport",
    "PathLike",
    "check_header",
    "collect_events",
    "drop_seen",
    "finish_events",
    "given_or_content_ids",
    "iter_blocks",
    "iter_quoted_csv",
    "ns_dates",
    "parse_block",
    "read_head",
    "require_columns",
    "sha1_ids",
]

log = get_logger(__name__)

PathLike = str | os.PathLike[str]

_ROOT_QUAD = {r: 1 if r <= 5 else 2 if r <= 9 else 3 if r <= 14 else 4 for r in range(1, 21)}

#: Bytes per streamed block (a block always ends on a line break).
BLOCK_BYTES = 32 * 1024 * 1024

#: Longest line an importer reads (below pyarrow's block sizes); longer lines are
#: rejected as ``line_too_long`` without being held in memory whole.
MAX_LINE_BYTES = 2 * 1024 * 1024


@dataclass
class ImportReport:
    """What an importer did with one file.

    ``rows_read == rows_kept + rows_rejected``; ``reasons`` counts rejected rows by
    reason, ``repaired`` counts kept rows that needed a fix (e.g. re-decoded bytes).

    Examples
    --------
    >>> r = ImportReport("gdelt", "x.tsv")
    >>> r.reject("bad_date", 2)
    >>> r.rows_rejected, r.reasons
    (2, {'bad_date': 2})
    """

    source: str
    path: str
    rows_read: int = 0
    rows_kept: int = 0
    rows_rejected: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    repaired: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def reject(self, reason: str, n: int = 1) -> None:
        """Count ``n`` rejected rows for ``reason``."""
        if n:
            self.rows_rejected += n
            self.reasons[reason] = self.reasons.get(reason, 0) + n

    def repair(self, what: str, n: int = 1) -> None:
        """Count ``n`` kept rows that needed repair ``what``."""
        if n:
            self.repaired[what] = self.repaired.get(what, 0) + n


def _open(path: PathLike) -> IO[bytes]:
    p = Path(path)
    if not p.exists():
        raise ImportFormatError(f"{p} does not exist; check the path")
    if p.is_dir():
        raise ImportFormatError(f"{p} is a directory; give one data file")
    fh: IO[bytes] = p.open("rb")
    magic = fh.read(2)
    fh.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.open(fh)  # type: ignore[return-value]
    return fh


def _to_utf8(block: bytes, report: ImportReport) -> bytes:
    """Return ``block`` as valid UTF-8, re-decoding bad lines as cp1252/latin-1."""
    try:
        block.decode("utf-8")
        return block
    except UnicodeDecodeError:
        pass
    out = []
    for line in block.split(b"\n"):
        try:
            line.decode("utf-8")
            out.append(line)
        except UnicodeDecodeError:
            try:
                text = line.decode("cp1252")
            except UnicodeDecodeError:
                text = line.decode("latin-1")
            out.append(text.encode("utf-8"))
            report.repair("recoded_cp1252")
    return b"\n".join(out)


def _cr_only(head: bytes) -> bool:
    r"""True if ``head`` breaks lines with a carriage return alone (classic Mac, old Excel).

    Examples
    --------
    >>> _cr_only(b"a,b\r1,2\r"), _cr_only(b"a,b\r\n1,2\r\n"), _cr_only(b"a,b")
    (True, False, False)
    """
    return b"\r" in head and b"\n" not in head


def _drop_long_lines(block: bytes, report: ImportReport, limit: int) -> bytes:
    """``block`` (ending on a line break) without its lines longer than ``limit`` bytes."""
    ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10)
    starts = np.concatenate(([0], ends[:-1] + 1))
    long = (ends - starts) > limit
    if not long.any():
        return block
    n = int(long.sum())
    report.reject("line_too_long", n)
    report.rows_read += n
    log.warning("%s: %d line(s) longer than %d bytes rejected", report.path, n, limit)
    keep = [block[a : b + 1] for a, b, bad in zip(starts, ends, long, strict=True) if not bad]
    return b"".join(keep)


def iter_blocks(
    path: PathLike,
    report: ImportReport,
    block_bytes: int = BLOCK_BYTES,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Iterator[bytes]:
    r"""Yield UTF-8 byte blocks of ``path`` (gzip or plain), each ending on a line break.

    A file whose lines end with a carriage return alone is read as if they ended with
    ``\n`` (noted in ``report``). A line longer than ``max_line_bytes`` is rejected as
    ``line_too_long`` and skipped without being held whole: one such line never costs
    the file nor unbounded memory.
    """
    try:
        with _open(path) as fh:
            rest = b""
            cr_only: bool | None = None
            skipping = False  # inside a line already rejected as too long
            while True:
                chunk = fh.read(block_bytes)
                if not chunk:
                    break
                if cr_only is None:
                    cr_only = _cr_only(chunk)
                    if cr_only:
                        report.notes.append(
                            "lines end with a carriage return alone (read as breaks)"
                        )
                if cr_only:
                    chunk = chunk.replace(b"\r", b"\n")
                if skipping:
                    nl = chunk.find(b"\n")
                    if nl < 0:
                        continue
                    chunk, skipping = chunk[nl + 1 :], False
                data = rest + chunk
                cut = data.rfind(b"\n")
                rest = data[cut + 1 :]
                if len(rest) > max_line_bytes:
                    report.reject("line_too_long")
                    report.rows_read += 1
                    rest, skipping = b"", True
                if cut < 0:
                    continue
                block = _drop_long_lines(data[: cut + 1], report, max_line_bytes)
                if block:
                    yield _to_utf8(block, report)
            if rest.strip():
                yield _to_utf8(_drop_long_lines(rest + b"\n", report, max_line_bytes), report)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise ImportFormatError(
            f"cannot read {path}: {exc}; is the file complete (gzip truncated?)"
        ) from exc


# what a file given for a CSV sometimes is instead (first bytes -> what to tell the user)
_NOT_TEXT = {
    b"PK\x03\x04": "a zip archive or an Excel workbook (.xlsx)",
    b"\xd0\xcf\x11\xe0": "an Excel 97-2003 workbook (.xls)",
    b"%PDF": "a PDF document",
    b"SQLite format 3": "a SQLite database",
    b"PAR1": "a Parquet file",
    b"\x89PNG": "an image",
    b"\xff\xd8\xff": "an image",
    b"BZh": "a bzip2 archive",
    b"\xfd7zXZ": "an xz archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}
_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def _check_text(path: PathLike, head: bytes) -> None:
    r"""Raise :class:`ImportFormatError` if ``head`` is not the start of a text file.

    Examples
    --------
    >>> _check_text("events.csv", b"PK\x03\x04\x14\x00")
    Traceback (most recent call last):
    ...
    earlywarn.errors.ImportFormatError: events.csv is a zip archive or an Excel workbook (.xlsx), not a text file: export it as CSV (UTF-8) and import that
    """
    what = next((name for magic, name in _NOT_TEXT.items() if head.startswith(magic)), None)
    if what is None and (head.startswith(_UTF16) or head[:200].count(b"\x00") > 20):
        what = "UTF-16 (Excel's 'Unicode Text') or binary"
    if what is not None:
        raise ImportFormatError(
            f"{path} is {what}, not a text file: export it as CSV (UTF-8) and import that"
        )


def read_head(path: PathLike, n_bytes: int = 1 << 16) -> str:
    """The first line of ``path`` decoded leniently (for layout detection); '' if empty.

    Raises :class:`ImportFormatError` when the file is not text (a workbook, a PDF, an
    archive other than gzip, UTF-16): it would otherwise read as zero rows.
    """
    try:
        with _open(path) as fh:
            head = fh.read(n_bytes)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise ImportFormatError(f"cannot read {path}: {exc}") from exc
    _check_text(path, head)
    head = head.lstrip(b"\xef\xbb\xbf")
    if _cr_only(head):
        head = head.replace(b"\r", b"\n")
    return head.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", errors="replace")


def parse_block(
    data: bytes,
    names: Sequence[str],
    report: ImportReport,
    *,
    delimiter: str = "\t",
    quoting: bool = False,
    include: Sequence[str] | None = None,
    pad_from: int | None = None,
) -> pd.DataFrame:
    """Parse one block of lines into a frame of strings (empty fields are null).

    Rows whose field count differs from ``len(names)`` are rejected as
    ``wrong_column_count`` (``truncated_row`` when shorter), except that rows with at
    least ``pad_from`` fields are padded with nulls (layouts that trim trailing fields).
    With ``quoting``, a line with an unterminated quote is rejected as
    ``unterminated_quote`` (a row is one line here): it never swallows the lines after it.
    """
    bad: list[pacsv.InvalidRow] = []
    if quoting and b'"' in data:
        data, unterminated = _drop_unterminated(data)
        report.reject("unterminated_quote", unterminated)
        report.rows_read += unterminated

    def handler(row: pacsv.InvalidRow) -> str:
        bad.append(row)
        return "skip"

    ropts = pacsv.ReadOptions(column_names=list(names), use_threads=True, block_size=1 << 22)
    popts = pacsv.ParseOptions(
        delimiter=delimiter,
        quote_char='"' if quoting else False,
        invalid_row_handler=handler,
        newlines_in_values=False,
    )
    copts = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        include_columns=list(include) if include else None,
        strings_can_be_null=True,
        null_values=[""],
        quoted_strings_can_be_null=True,
    )
    try:
        table = pacsv.read_csv(
            io.BytesIO(data), read_options=ropts, parse_options=popts, convert_options=copts
        )
    except pa.ArrowInvalid as exc:
        raise ImportFormatError(f"unreadable CSV block: {exc}") from exc
    frame = table.to_pandas()
    padded: list[list[str | None]] = []
    for row in bad:
        if pad_from is not None and pad_from <= row.actual_columns < len(names):
            fields: list[str | None] = [f or None for f in row.text.rstrip("\r").split(delimiter)]
            padded.append(fields + [None] * (len(names) - len(fields)))
        elif row.actual_columns < row.expected_columns:
            report.reject("truncated_row")
        else:
            report.reject("wrong_column_count")
    if padded:
        extra = pd.DataFrame(padded, columns=list(names), dtype=object)
        cols = list(include) if include else list(names)
        frame = pd.concat([frame, extra[cols].astype(frame.dtypes.to_dict())], ignore_index=True)
    report.rows_read += len(frame) + len(bad) - len(padded)
    return frame


def check_header(names: Sequence[str], path: PathLike) -> list[str]:
    """``names`` (a file's header), refused if one of them is there twice.

    A spreadsheet join or a pasted column repeats a name, and which of the two columns a
    value comes from cannot be told (pandas hands back both: the import failed inside).

    Raises
    ------
    ImportFormatError
        Naming the column and its two positions.

    Examples
    --------
    >>> check_header(["id", "date", "y"], "f.csv")
    ['id', 'date', 'y']
    >>> check_header(["id", "date", "y", "date"], "f.csv")
    Traceback (most recent call last):
    ...
    earlywarn.errors.ImportFormatError: f.csv: the header names 'date' twice (columns 2 and 4); rename or remove one and import again
    """
    first: dict[str, int] = {}
    for i, name in enumerate(names):
        if name and name in first:
            raise ImportFormatError(
                f"{path}: the header names {name!r} twice (columns {first[name] + 1} and "
                f"{i + 1}); rename or remove one and import again"
            )
        first.setdefault(name, i)
    return list(names)


def require_columns(
    names: Sequence[str], required: Sequence[str], path: PathLike, what: str
) -> None:
    """Refuse a header ``names`` that lacks one of the ``required`` columns of ``what``.

    Checked on the header itself, before any row: a file of another kind (a GDELT or ICEWS
    file, a spreadsheet of something else) holding a header alone was imported as 0 rows,
    exit 0, when the same file with rows was refused.

    Raises
    ------
    ImportFormatError
        Naming the columns expected, those missing and those found.

    Examples
    --------
    >>> require_columns(["id", "date", "y"], ["id", "date"], "f.csv", "an X file")
    >>> require_columns(["foo", "bar"], ["id", "date"], "f.csv", "an X file")
    Traceback (most recent call last):
    ...
    earlywarn.errors.ImportFormatError: f.csv is not an X file: its header lacks id, date (it expects id, date; found: foo, bar); check the file and the kind given to import
    """
    missing = [c for c in required if c not in names]
    if not missing:
        return
    found = ", ".join(repr(n) if not n.isprintable() else n for n in names[:12])
    more = f" and {len(names) - 12} more" if len(names) > 12 else ""
    raise ImportFormatError(
        f"{path} is not {what}: its header lacks {', '.join(missing)} (it expects "
        f"{', '.join(required)}; found: {found[:600] or 'nothing'}{more}); check the file "
        "and the kind given to import"
    )


def _drop_unterminated(data: bytes) -> tuple[bytes, int]:
    r"""Lines of ``data`` with an even number of quotes, and how many were dropped.

    Examples
    --------
    >>> _drop_unterminated(b'a,"b",1\nc,"d,2\ne,f,3\n')
    (b'a,"b",1\ne,f,3\n', 1)
    """
    lines = data.split(b"\n")
    kept = [line for line in lines if line.count(b'"') % 2 == 0]
    return b"\n".join(kept), len(lines) - len(kept)


def ns_dates(s: pd.Series) -> pd.Series:
    """``s`` read as dates in ``datetime64[ns]``; a date before 1678 or after 2261 is NaT.

    The archive's frames hold nanoseconds, which reach only 1677-2262: one date of year 1500
    or 99999 (a typo, a placeholder) ended an import in ``OutOfBoundsDatetime``, every good
    row lost. Out of that range it is unreadable like any bad date (``bad_date``).

    Examples
    --------
    >>> d = ns_dates(pd.Series(["2015-03-26", "1500-01-01", "x"]))
    >>> str(d.dtype), d.isna().tolist()
    ('datetime64[ns]', [False, True, True])
    """
    s = pd.to_datetime(s, errors="coerce")
    years = s.dt.year
    return s.where((years >= 1678) & (years <= 2261)).dt.as_unit("ns")


_NUMERIC_DATE = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


@dataclass
class CalendarDates:
    """The calendar dates of one file's date column, read block by block.

    Reads ISO dates (``2020-03-12``; a time after it, ``T00:00:00Z`` or `` 00:00:00.000``,
    is ignored: the date as written), ``12 March 2020``, Excel serial day numbers
    (``43902``, from a spreadsheet that re-saved the file) and numeric dates with ``/``,
    ``.`` or ``-`` in day-month-year or month-day-year order. That order is learnt from the
    file itself: a value whose first field is over 12 makes it day first, one whose second
    field is over 12 month first. Until a block shows which (or if one shows both), values
    that read both ways are returned in ``ambiguous`` rather than guessed; an unreadable
    value is ``NaT``.

    Examples
    --------
    >>> dates = CalendarDates()
    >>> when, ambiguous = dates(pd.Series(["02/01/2021", "2021-01-05T00:00:00Z"]))
    >>> when.isna().tolist(), ambiguous.tolist()
    ([True, False], [True, False])
    >>> when, ambiguous = dates(pd.Series(["02/01/2021", "25/12/2020", "44197", "5 May 2021"]))
    >>> dates.order, when.dt.strftime("%Y-%m-%d").tolist(), bool(ambiguous.any())
    ('dmy', ['2021-01-02', '2020-12-25', '2021-01-01', '2021-05-05'], False)
    """

    order: str | None = None  # "dmy" or "mdy", once a block has shown it

    def __call__(self, s: pd.Series) -> tuple[pd.Series, pd.Series]:
        text = s.astype("string").str.strip()
        day = text.str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$", expand=False)
        out = pd.to_datetime(day, format="%Y-%m-%d", errors="coerce")
        out = out.fillna(pd.to_datetime(text, format="%d %B %Y", errors="coerce"))
        serial = pd.to_numeric(text.where(text.str.fullmatch(r"\d{5}(?:\.0+)?")), errors="coerce")
        serial = serial.where((serial >= 20000) & (serial <= 80000))
        out = out.fillna(_EXCEL_EPOCH + pd.to_timedelta(serial, unit="D"))
        parts = text.str.extract(_NUMERIC_DATE).astype("float64")
        a, b, year = parts[0], parts[1], parts[2]
        ambiguous = pd.Series(False, index=s.index)
        if a.notna().any():
            if self.order is None:
                dmy, mdy = bool(((a > 12) & (b <= 12)).any()), bool(((b > 12) & (a <= 12)).any())
                self.order = "dmy" if dmy and not mdy else "mdy" if mdy and not dmy else None
            d, m = (a, b) if self.order == "dmy" else (b, a)
            if self.order is None:  # only values that read one way (05/05) are dates
                ambiguous = a.notna() & (a <= 12) & (b <= 12) & (a != b)
                d = d.where(a == b)
            numeric = pd.to_datetime(
                pd.DataFrame({"year": year, "month": m, "day": d}), errors="coerce"
            )
            out = out.fillna(numeric)
        return ns_dates(out), ambiguous


def sha1_ids(prefix: str, frame: pd.DataFrame, cols: Sequence[str]) -> pd.Series:
    """Stable ids: ``prefix`` + sha1 of the ``|``-joined values of ``cols`` (null as '')."""
    parts = [frame[c].astype("string").fillna("") for c in cols]
    joined = parts[0]
    if len(parts) > 1:
        joined = parts[0].str.cat(list(parts[1:]), sep="|")  # type: ignore[arg-type]
    return pd.Series(
        [prefix + hashlib.sha1(s.encode("utf-8")).hexdigest() for s in joined],
        index=frame.index,
        dtype=object,
    )


def given_or_content_ids(
    prefix: str, given: pd.Series | None, frame: pd.DataFrame, report: ImportReport
) -> pd.Series:
    """Event ids: ``prefix`` + the file's own id, or for a row whose id is blank (or a file
    without the id column) ``prefix`` + ``sha1:`` + the sha1 of the whole row's values,
    counted as repaired ``id_from_content``.

    The ids were the file's ids as text: a blank one became a null id (the whole file
    refused at the events contract), and ACLED's fallback for a file without
    ``event_id_cnty`` (the row's place in its batch) gave the same ids to rows of other
    batches (dropped as duplicates) and of other files (stored events replaced). A row's
    content is the same on every rerun, so a reimport still changes nothing.

    >>> f = pd.DataFrame({"id": ["7", " ", None], "side": ["a", "b", "c"]})
    >>> r = ImportReport("ucdp", "x.csv")
    >>> ids = given_or_content_ids("ucdp:", f["id"], f, r)
    >>> ids[0], ids[1][:10], len(set(ids)), r.repaired
    ('ucdp:7', 'ucdp:sha1:', 3, {'id_from_content': 2})
    """
    ident = (
        given.astype("string").str.strip()
        if given is not None
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    blank = (ident.isna() | (ident == "")).to_numpy(dtype=bool)
    out = pd.Series(prefix + ident.fillna(""), index=frame.index, dtype=object)
    if blank.any():
        out[blank] = sha1_ids(prefix + "sha1:", frame[blank], list(frame.columns))
        report.repair("id_from_content", int(blank.sum()))
    return out


def to_float(s: pd.Series) -> pd.Series:
    """Strings to float64, unreadable values as NaN (``pd.to_numeric(errors="coerce")``).

    Text columns are cast by Arrow in C; only a column holding an unreadable value falls
    back to pandas, which is about ten times slower on a million strings.

    Examples
    --------
    >>> to_float(pd.Series(["1.5", None, " 2", "x"])).tolist()
    [1.5, nan, 2.0, nan]
    """
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        try:
            arr = pc.utf8_trim_whitespace(pa.array(s, type=pa.large_string(), from_pandas=True))
            values = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
            return pd.Series(values, index=s.index, dtype="float64")
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            pass
    return pd.to_numeric(s, errors="coerce").astype("float64")


def _as_int(s: pd.Series) -> pd.Series:
    return to_float(s).round().astype("Int64")


#: What the archive's integer columns hold (:mod:`earlywarn.schema` types).
INT_RANGES: dict[str, tuple[int, int]] = {
    "TINYINT": (-(2**7), 2**7 - 1),
    "INTEGER": (-(2**31), 2**31 - 1),
}


def _as_int_in(s: pd.Series, typ: str) -> tuple[pd.Series, pd.Series]:
    """``s`` rounded to the nullable integer of the archive type ``typ``, and the mask of
    numbers the type cannot hold (10^23 mentions, an infinite QuadClass), which are null.

    Examples
    --------
    >>> v, bad = _as_int_in(pd.Series(["3", "1e23", "inf", "x", None]), "INTEGER")
    >>> v.tolist(), bad.tolist()
    ([3, <NA>, <NA>, <NA>, <NA>], [False, True, True, False, False])
    """
    lo, hi = INT_RANGES[typ]
    f = to_float(s).round()
    bad = f.notna() & ~f.between(lo, hi)
    return f.where(~bad).astype("Int8" if typ == "TINYINT" else "Int64"), bad


def _codebook_goldstein(codes: pd.Series) -> dict[str, float]:
    from earlywarn.extract.cameo import goldstein

    table: dict[str, float] = {}
    for code in pd.unique(codes.dropna()):
        try:
            table[code] = goldstein(code)
        except ValueError:
            continue
    return table


def finish_events(
    frame: pd.DataFrame,
    report: ImportReport,
    *,
    check: Callable[[pd.DataFrame], pd.Series] | None = None,
) -> pd.DataFrame:
    """Coerce a frame with (some of) the events columns to the events table's columns and types.

    Rows with a null date are rejected as ``bad_date``; rows with a cameo code outside
    the codebook as ``unknown_cameo_code``; rows with a number its integer column cannot
    hold (``num_mentions`` of 10^23, ``quad_class`` of 300) or a Goldstein score off its
    -10..10 scale (an infinite one weighted network edges inf) as ``number_out_of_range``;
    duplicate ``event_id`` as ``duplicate_id``. A latitude or longitude off the globe
    (beyond +-90 / +-180, infinite) is made null and the row kept (``repaired``:
    ``coordinates_off_the_globe``): the event happened, its place is unknown.
    """
    from earlywarn.extract.cameo import cameo_table

    n0 = len(frame)
    out = empty_frame("events") if frame.empty else pd.DataFrame(index=frame.index)
    if frame.empty:
        return out
    unfit = pd.Series(False, index=frame.index)
    for col, typ in TABLES["events"].columns.items():
        s = frame[col] if col in frame else pd.Series(None, index=frame.index, dtype=object)
        if typ == "DATE":
            out[col] = ns_dates(s)
        elif typ == "DOUBLE":
            out[col] = to_float(s)
            if col == "goldstein":  # the scale is -10..10: inf or 1e300 is a broken row
                bad = out[col].notna() & ~out[col].between(-10, 10)
                out[col] = out[col].where(~bad)
                unfit |= bad
        elif typ in INT_RANGES:
            values, bad = _as_int_in(s, typ)
            out[col] = values
            unfit |= bad
        elif s.dtype != object and pd.api.types.is_string_dtype(s.dtype):
            out[col] = s  # Arrow-backed text stays so (no per-value Python objects)
        else:
            out[col] = s.astype(object).where(s.notna(), None)
    moved = pd.Series(False, index=out.index)
    for col, limit in (("lat", 90.0), ("lon", 180.0)):  # inf, 1e308, 400: off the globe
        off = out[col].notna() & ~out[col].between(-limit, limit)
        out[col] = out[col].where(~off)
        moved |= off
    if out["root_code"].isna().any():
        root = out["root_code"].where(out["root_code"].notna(), out["cameo_code"].str[:2])
        out["root_code"] = root.where(root.notna(), None)
    if out["quad_class"].isna().any():
        quad = _as_int(out["root_code"]).map(_ROOT_QUAD).astype("Int8")
        out["quad_class"] = out["quad_class"].fillna(quad)
    if out["goldstein"].isna().any():
        out["goldstein"] = out["goldstein"].fillna(
            out["cameo_code"].map(_codebook_goldstein(out["cameo_code"]))
        )
    if out["plover_type"].isna().any():
        from earlywarn.extract.plover import plover_columns

        missing = out["plover_type"].isna()
        pl = plover_columns(out.loc[missing, "cameo_code"])
        out.loc[missing, "plover_type"] = pl["plover_type"]
        out.loc[missing & out["plover_mode"].isna(), "plover_mode"] = pl["plover_mode"]
    keep = out["date"].notna()
    report.reject("bad_date", int((~keep).sum()))
    codes = out["cameo_code"]
    valid = codes.isin(set(cameo_table()["code"])) & keep
    report.reject("unknown_cameo_code", int((keep & ~valid).sum()))
    keep &= valid
    report.reject("number_out_of_range", int((keep & unfit).sum()))
    keep &= ~unfit
    if check is not None:
        keep &= check(out)
    report.repair("coordinates_off_the_globe", int((keep & moved).sum()))
    out = out[keep]
    dup = out["event_id"].duplicated()
    report.reject("duplicate_id", int(dup.sum()))
    out = out[~dup].reset_index(drop=True)
    log.debug("finished %d of %d event rows", len(out), n0)
    return out


def collect_events(
    chunks: Iterator[pd.DataFrame], report: ImportReport
) -> tuple[pd.DataFrame, ImportReport]:
    """Concatenate event chunks, drop file-wide duplicate ids, and close the report."""
    frames = [c for c in chunks if not c.empty]
    if not frames:
        if report.rows_read == 0:
            report.notes.append("empty file: no data rows")
        log.warning("imported %s: no events kept (%s)", report.path, report.reasons or "empty file")
        return empty_frame("events"), report
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    dup = out["event_id"].duplicated()
    if dup.any():
        report.reject("duplicate_id", int(dup.sum()))
        out = out[~dup].reset_index(drop=True)
    report.rows_kept = len(out)
    log.info(
        "imported %s: %d kept, %d rejected %s",
        report.path,
        report.rows_kept,
        report.rows_rejected,
        report.reasons,
    )
    return out, report


def drop_seen(frame: pd.DataFrame, key: str, seen: set[str], report: ImportReport) -> pd.DataFrame:
    """Drop rows whose ``key`` is in ``seen`` (counted as ``duplicate_id``), then add the rest.

    For importers that write chunk by chunk: the first row with an id stays, as in
    :func:`collect_events`.
    """
    ids = frame[key].tolist()
    if seen:
        dup = np.fromiter((i in seen for i in ids), dtype=bool, count=len(ids))
        if dup.any():
            report.reject("duplicate_id", int(dup.sum()))
            frame = frame[~dup].reset_index(drop=True)
            ids = frame[key].tolist()
    seen.update(ids)
    return frame


class _BlockStream(io.RawIOBase):
    """A readable byte stream over :func:`iter_blocks` (repaired UTF-8), for pyarrow."""

    def __init__(self, blocks: Iterator[bytes]):
        self._blocks, self._buf = blocks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buf:
            nxt = next(self._blocks, None)
            if nxt is None:
                return 0
            self._buf = nxt
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def _balanced(
    blocks: Iterator[bytes], report: ImportReport, max_lines: int = 100
) -> Iterator[bytes]:
    r"""``blocks`` without the lines that open a quote which does not close within ``max_lines``.

    A quoted field may hold line breaks, so an unterminated quote would swallow every
    line up to the next quote. Such a line is rejected (``unterminated_quote``) and the
    lines after it are read again as rows. Blocks whose quotes pair up pass untouched.

    Examples
    --------
    >>> r = ImportReport("x", "x")
    >>> data = b'a,"b\nc",1\nd,"e,2\nf,g,3\n'
    >>> b"".join(_balanced(iter([data]), r, max_lines=1)), r.reasons
    (b'a,"b\nc",1\nf,g,3\n', {'unterminated_quote': 1})
    """
    pending: list[bytes] = []  # the lines of a record whose quote is still open
    for block in blocks:
        if not pending and block.count(b'"') % 2 == 0:
            yield block
            continue
        todo = deque(block.split(b"\n")[:-1])  # a block ends with a line break
        out: list[bytes] = []
        while todo:
            line = todo.popleft()
            odd = line.count(b'"') % 2 == 1
            if not pending:
                (pending if odd else out).append(line)
                continue
            pending.append(line)
            if odd:
                out += pending
                pending = []
            elif len(pending) > max_lines:
                report.reject("unterminated_quote")
                report.rows_read += 1
                todo.extendleft(reversed(pending[1:]))
                pending = []
        if out:
            yield b"\n".join(out) + b"\n"
    if pending:  # the file ends inside a quote
        report.reject("unterminated_quote")
        report.rows_read += 1
        if pending[1:]:
            yield from _balanced(iter([b"\n".join(pending[1:]) + b"\n"]), report, max_lines)


def iter_quoted_csv(
    path: PathLike,
    report: ImportReport,
    *,
    delimiter: str = ",",
    batch_bytes: int = 1 << 24,
    required: Sequence[str] = (),
    what: str = "the expected layout",
) -> Iterator[pd.DataFrame]:
    """Stream a headered, quoted CSV (fields may hold newlines) as frames of strings.

    A header without ``delimiter`` but with ``;``, tab or ``|`` is read with that separator
    (Excel writes ``;`` where the decimal mark is a comma); the report notes it.

    Rows with the wrong field count are rejected and counted like :func:`parse_block`;
    a line opening a quote that never closes is rejected as ``unterminated_quote``
    without swallowing the rows after it (:func:`_balanced`).

    A header lacking one of the ``required`` columns is refused (:func:`require_columns`,
    ``what`` names the layout) before any row is read, rows or no rows.
    """
    import csv

    head = read_head(path)
    if not head.strip():
        report.notes.append("empty file: no data rows")
        return
    if head.count(delimiter) == 0:  # Excel in many locales separates fields with ";"
        other = max(";\t|", key=head.count)
        if head.count(other):
            report.notes.append(f"fields separated by {other!r}, not {delimiter!r}")
            delimiter = other
    names = check_header([h.strip() for h in next(csv.reader([head], delimiter=delimiter))], path)
    require_columns(names, required, path, what)
    short = [0]
    wrong = [0]

    def handler(row: pacsv.InvalidRow) -> str:
        (short if row.actual_columns < row.expected_columns else wrong)[0] += 1
        return "skip"

    blocks = _balanced(iter_blocks(path, report), report)
    stream = io.BufferedReader(_BlockStream(blocks), buffer_size=1 << 20)
    try:
        reader = pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(block_size=batch_bytes, use_threads=True),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=handler
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
        for batch in reader:
            frame = batch.to_pandas()
            report.rows_read += len(frame)
            yield frame
    except pa.ArrowInvalid as exc:
        raise ImportFormatError(f"unreadable CSV {path}: {exc}") from exc
    finally:
        report.rows_read += short[0] + wrong[0]
        report.reject("truncated_row", short[0])
        report.reject("wrong_column_count", wrong[0])
