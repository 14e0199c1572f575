"""Reading bulk-import files (no database here): CSV or XLSX → rows → IKM profiles, and the templates.

One row is one IKM. Files are decoded here (UTF-8, UTF-8 with BOM, Windows-1252; CSV or XLSX); the cells
are read by app.profile_reader (the one reader of the form, the import and the CLI: Excel dates and
serial numbers, thousands separators, yes/no words in both languages, lists of codes) before the profile
goes through the same `IkmProfileSchema` as the API.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field

from app.profile_reader import CERTIFICATE_SLOTS, PRODUCT_SLOTS, read_profile
from app.reports import XLSX_TYPE

ENCODINGS = ("utf-8-sig", "cp1252")
XLSX_MAGIC = b"PK\x03\x04"
MAX_COLUMNS = 200
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Column:
    """A template column: its header and help text in Bahasa Indonesia and English."""

    name: str  # a flat field of app.profile_reader.FLAT_FIELDS (which says how its cells are read)
    help_id: str
    help_en: str
    example: str = ""


def _product_columns(slot: int) -> list[Column]:
    """The four columns of product number `slot`."""
    first = slot == 1
    return [
        Column(
            f"product_{slot}_description",
            f"Produk {slot}: uraian" + (" (wajib)" if first else ""),
            f"Product {slot}: description" + (" (required)" if first else ""),
            "Kopi arabika Gayo, green bean" if first else "",
        ),
        Column(
            f"product_{slot}_hs_code",
            f"Produk {slot}: kode HS 6 digit (kosong: diklasifikasi)",
            f"Product {slot}: 6-digit HS code (blank: classified)",
            "090111" if first else "",
        ),
        Column(
            f"product_{slot}_monthly_capacity",
            f"Produk {slot}: kapasitas per bulan",
            f"Product {slot}: monthly capacity",
            "20.000" if first else "",
        ),
        Column(
            f"product_{slot}_capacity_unit",
            f"Produk {slot}: satuan (kg, ton, pcs, …)",
            f"Product {slot}: unit (kg, ton, pcs, …)",
            "kg" if first else "",
        ),
    ]


def _certificate_columns(slot: int) -> list[Column]:
    """A certificate that expires: its code and valid-until date."""
    first = slot == 1
    return [
        Column(
            f"cert_{slot}_code",
            f"Sertifikat berlaku terbatas {slot}: kode",
            f"Certificate with an expiry {slot}: code",
            "ORGANIC" if first else "",
        ),
        Column(
            f"cert_{slot}_valid_until",
            f"Sertifikat {slot}: berlaku sampai (tanggal)",
            f"Certificate {slot}: valid until (date)",
            "2027-08-01" if first else "",
        ),
    ]


COLUMNS: tuple[Column, ...] = (
    Column("name", "Nama IKM (wajib)", "IKM name (required)", "Koperasi Kopi Gayo Lestari"),
    Column("nib", "NIB, 13 digit (kunci impor ulang)", "NIB, 13 digits (re-import key)", "9120001234567"),
    Column(
        "legal_form",
        "Bentuk usaha: perorangan, ud, cv, pt, koperasi, kelompok",
        "Legal form: perorangan, ud, cv, pt, koperasi, kelompok",
        "koperasi",
    ),
    Column(
        "region_code",
        "Kode kabupaten/kota PP.KK (kosong: wilayah impor)",
        "Kabupaten/kota code PP.KK (blank: the import's region)",
        "11.17",
    ),
    Column(
        "kecamatan_code",
        "Kode kecamatan PP.KK.CC (opsional, di kabupaten/kota tersebut)",
        "Kecamatan code PP.KK.CC (optional, inside that kabupaten/kota)",
        "11.17.01",
    ),
    Column("founded_year", "Tahun berdiri", "Year founded", "2012"),
    Column("founded_on", "Tanggal berdiri (opsional)", "Date founded (optional)", ""),
    Column("employees", "Jumlah tenaga kerja", "Employees", "14"),
    Column("annual_revenue_idr", "Omzet per tahun (Rp)", "Annual revenue (IDR)", "4.200.000.000"),
    Column(
        "owner_gender",
        "Gender pemilik: female, male, undisclosed",
        "Owner gender: female, male, undisclosed",
        "female",
    ),
    Column("owner_name", "Nama pemilik", "Owner name", "Siti Aminah"),
    Column("contact_email", "E-mail kontak", "Contact e-mail", "koperasi@example.id"),
    Column("contact_phone", "Telepon kontak", "Contact phone", "+62 812 0000 0000"),
    Column(
        "credit_status",
        "Status SLIK: current, special_mention, substandard, doubtful, loss, none",
        "SLIK status: current, special_mention, substandard, doubtful, loss, none",
        "current",
    ),
    Column(
        "group_kind",
        "Kelompok: sentra, cooperative, village",
        "Group: sentra, cooperative, village",
        "cooperative",
    ),
    Column("group_members", "Jumlah anggota kelompok", "Group members", "605"),
    Column("ovop_stars", "Bintang OVOP 0–5", "OVOP stars 0–5", "3"),
    *(column for slot in range(1, PRODUCT_SLOTS + 1) for column in _product_columns(slot)),
    Column(
        "certifications",
        "Sertifikat tanpa tanggal kedaluwarsa, dipisah ;",
        "Certificates without an expiry date, separated by ;",
        "NIB; NPWP",
    ),
    *(column for slot in range(1, CERTIFICATE_SLOTS + 1) for column in _certificate_columns(slot)),
    Column("export_direct", "Pernah ekspor langsung (ya/tidak)", "Exported directly (yes/no)", "ya"),
    Column(
        "export_indirect",
        "Pernah ekspor lewat pedagang (ya/tidak)",
        "Exported through a trader",
        "tidak",
    ),
    Column(
        "export_markets",
        "Negara tujuan ekspor sebelumnya (ISO2, dipisah ;)",
        "Past export markets (ISO2, separated by ;)",
        "US",
    ),
    Column("last_export_year", "Tahun ekspor terakhir", "Last export year", "2025"),
    Column(
        "target_markets",
        "Negara tujuan (ISO2, dipisah ;)",
        "Target markets (ISO2, separated by ;)",
        "US; DE",
    ),
    Column(
        "buyer_contract_market",
        "Negara pembeli dengan kontrak/PO/LC (ISO2)",
        "Market of a buyer contract, PO or LC (ISO2)",
        "US",
    ),
    Column("practice_bookkeeping", "Pembukuan (ya/tidak)", "Bookkeeping (yes/no)", "ya"),
    Column("practice_bank_account", "Rekening bank usaha (ya/tidak)", "Business bank account", "ya"),
    Column("practice_email", "Memakai e-mail (ya/tidak)", "Uses e-mail (yes/no)", "ya"),
    Column("practice_website", "Punya situs web (ya/tidak)", "Has a website (yes/no)", "tidak"),
    Column("practice_marketplace", "Berjualan di marketplace (ya/tidak)", "Sells on a marketplace", "ya"),
)
COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header, size)."""

    def __init__(self, message_id: str, message_en: str, column: str | None = None) -> None:
        super().__init__(f"{message_id} / {message_en}")
        self.message_id, self.message_en, self.column = message_id, message_en, column


@dataclass
class SourceRow:
    """One data row: its line in the file and its cells by header."""

    line: int
    cells: dict[str, object]


@dataclass
class ParsedFile:
    """A file's rows, with how it was read."""

    file_format: str
    encoding: str | None
    rows: list[SourceRow] = field(default_factory=list)


@dataclass
class RowProfile:
    """A row turned into a profile dict, and which column each profile path came from."""

    line: int
    profile: dict
    sources: dict[tuple, str]


# --- reading files --------------------------------------------------------------------------------------


def _header_key(value) -> str:
    """A header cell as a column name: trimmed, lower case, spaces and dashes as underscores."""
    return re.sub(r"[\s\-]+", "_", str(value or "").strip().lower())


def _check_header(header: list[str]) -> list[str]:
    """Refuse unknown, duplicate or missing columns with the column named."""
    if not any(header):
        raise ImportFileError(
            "Baris pertama harus berisi nama kolom.", "The first row must hold the headers."
        )
    seen = set()
    for name in header:
        if not name:
            continue
        if name not in COLUMNS_BY_NAME:
            raise ImportFileError(
                f"Kolom tidak dikenal: {name!r} (lihat templat).",
                f"Unknown column {name!r} (see the template).",
                column=name,
            )
        if name in seen:
            raise ImportFileError(f"Kolom ganda: {name!r}.", f"Duplicate column {name!r}.", column=name)
        seen.add(name)
    for required in ("name", "product_1_description"):
        if required not in seen:
            raise ImportFileError(
                f"Kolom wajib tidak ada: {required!r}.", f"Missing column {required!r}.", column=required
            )
    return header


def _too_many_rows(max_rows: int) -> ImportFileError:
    """The error for a file over IMPORT_MAX_ROWS."""
    return ImportFileError(
        f"Terlalu banyak baris: maksimal {max_rows} IKM per berkas; bagi berkasnya.",
        f"Too many rows: at most {max_rows} IKM per file; split the file.",
    )


def decode_text(content: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding that read it (UTF-8 with or without BOM, else Windows-1252)."""
    for encoding in ENCODINGS:
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        "Berkas bukan teks UTF-8 atau Windows-1252; simpan ulang sebagai CSV UTF-8.",
        "The file is neither UTF-8 nor Windows-1252 text; save it again as CSV UTF-8.",
    )


def read_csv(content: bytes, max_rows: int) -> ParsedFile:
    """Rows of a CSV file (comma, semicolon or tab separated), with their physical line numbers."""
    text, encoding = decode_text(content)
    if "\x00" in text:
        raise ImportFileError("Berkas berisi byte NUL; bukan CSV.", "The file contains NUL bytes; not a CSV.")
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)  # Excel in Indonesian writes ";" (decimal comma)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    parsed = ParsedFile("csv", encoding)
    try:
        header = _check_header([_header_key(cell) for cell in next(reader, [])])
        previous_end = reader.line_num
        for cells in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(parsed.rows) >= max_rows:
                raise _too_many_rows(max_rows)
            parsed.rows.append(SourceRow(line, _cells_by_header(header, cells)))
    except csv.Error as error:
        raise ImportFileError(
            f"CSV rusak di baris {reader.line_num}.", f"Broken CSV at line {reader.line_num}."
        ) from error
    return parsed


def _cells_by_header(header: list[str], cells) -> dict[str, object]:
    """Cells keyed by header name; extra cells beyond the headers must be empty."""
    row = {}
    for index, value in enumerate(cells):
        if index < len(header) and header[index]:
            row[header[index]] = value
        elif value not in (None, "") and str(value).strip():
            row[f"column_{index + 1}"] = value
    return row


def read_xlsx(content: bytes, max_rows: int) -> ParsedFile:
    """Rows of the first worksheet of an XLSX workbook, numbered as Excel numbers them."""
    from openpyxl import load_workbook  # imported on use: openpyxl costs start-up time

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # any failure of the zip or the XML means the same to the user
        raise ImportFileError("Berkas XLSX tidak bisa dibaca.", "The XLSX file cannot be read.") from error
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        header = _check_header([_header_key(cell) for cell in next(rows, ())])
        parsed = ParsedFile("xlsx", None)
        for line, cells in enumerate(rows, start=2):
            if not any(cell not in (None, "") and str(cell).strip() for cell in cells):
                continue
            if len(parsed.rows) >= max_rows:
                raise _too_many_rows(max_rows)
            parsed.rows.append(SourceRow(line, _cells_by_header(header, cells)))
        return parsed
    finally:
        workbook.close()


def read_file(content: bytes, filename: str, max_rows: int) -> ParsedFile:
    """Rows of an uploaded file, CSV or XLSX (told apart by content, not only by name)."""
    lower = (filename or "").lower()
    if lower.endswith((".xls", ".ods", ".numbers")):
        raise ImportFileError(
            "Format tidak didukung: simpan sebagai .xlsx atau .csv.",
            "Unsupported format: save as .xlsx or .csv.",
        )
    if not content.strip():
        raise ImportFileError("Berkas kosong.", "The file is empty.")
    if content.startswith(XLSX_MAGIC):
        return read_xlsx(content, max_rows)
    if lower.endswith(".xlsx"):
        raise ImportFileError("Berkas .xlsx tidak valid.", "Not a valid .xlsx file.")
    return read_csv(content, max_rows)


# --- cells → profile ------------------------------------------------------------------------------------


def row_to_profile(row: SourceRow) -> RowProfile:
    """A source row as an IKM profile (not yet validated) plus the column of every field."""
    read = read_profile(row.cells, sources=True)
    return RowProfile(row.line, read.profile, read.sources)


def column_of(path: tuple, sources: dict[tuple, str]) -> str:
    """The file column behind a profile path (the nearest known parent when the exact path has none)."""
    for length in range(len(path), 0, -1):
        column = sources.get(tuple(path[:length]))
        if column:
            return column
    return str(path[0]) if path else "row"


# --- templates ------------------------------------------------------------------------------------------


def template_csv() -> bytes:
    """The CSV template: UTF-8 with BOM (Excel opens it correctly), the header row only."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([column.name for column in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The XLSX template: sheet "IKM" with the headers, sheet "Petunjuk" explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    data = workbook.active
    data.title = "IKM"
    data.append([column.name for column in COLUMNS])
    for cell in data[1]:
        cell.font = Font(bold=True)
    data.freeze_panes = "A2"
    guide = workbook.create_sheet("Petunjuk")
    guide.append(["kolom / column", "Keterangan", "Description", "contoh / example"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        guide.append([column.name, column.help_id, column.help_en, column.example])
    guide.append([])
    guide.append(
        [
            "",
            "Satu baris = satu IKM. Impor ulang memperbarui IKM dengan NIB yang sama.",
            "One row = one IKM. Re-importing updates the IKM with the same NIB.",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TEMPLATE_TYPES = {"csv": "text/csv", "xlsx": XLSX_TYPE}
TEMPLATE_NAME = "templat_impor_ikm"


def template_bytes(file_format: str) -> bytes:
    """The template in a format of TEMPLATE_TYPES."""
    return template_csv() if file_format == "csv" else template_xlsx()
