"""Reading bulk-import files (no database here): CSV or XLSX → rows → IKM profiles, and the templates.

One row is one IKM. Cells are normalised before the profile goes through the same `IkmProfileSchema` as
the API: text encodings (UTF-8, UTF-8 with BOM, Windows-1252), Excel dates and serial numbers, thousands
separators ("4.200.000.000", "4,200,000,000"), yes/no words in both languages, lists split on ";" or ",".
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime

from app.reports import XLSX_TYPE
from app.vocabulary import FALSE_WORDS, PRACTICE_FIELDS, SCALAR_PROFILE_FIELDS, TRUE_WORDS

ENCODINGS = ("utf-8-sig", "cp1252")
XLSX_MAGIC = b"PK\x03\x04"
MAX_COLUMNS = 200
PRODUCT_SLOTS = 3
CERTIFICATE_SLOTS = 3
# Excel date serial numbers taken as dates: five digits, 1927-05-18 … 2173-10-14 (a bare year is not one).
EXCEL_SERIAL_RANGE = (10_000, 99_999)
DELIMITERS = (",", ";", "\t")
DAY_FIRST_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\Z")
GROUPED_THOUSANDS = re.compile(r"^\d{1,3}([.,])\d{3}(\1\d{3})*\Z")


@dataclass(frozen=True)
class Column:
    """A template column: its header, kind of value, and help text in Bahasa Indonesia and English."""

    name: str
    kind: str  # text, code, integer, decimal, year, date, bool, list, choice
    help_id: str
    help_en: str
    example: str = ""


def _product_columns(slot: int) -> list[Column]:
    """The four columns of product number `slot`."""
    first = slot == 1
    return [
        Column(
            f"product_{slot}_description",
            "text",
            f"Produk {slot}: uraian" + (" (wajib)" if first else ""),
            f"Product {slot}: description" + (" (required)" if first else ""),
            "Kopi arabika Gayo, green bean" if first else "",
        ),
        Column(
            f"product_{slot}_hs_code",
            "code",
            f"Produk {slot}: kode HS 6 digit (kosong: diklasifikasi)",
            f"Product {slot}: 6-digit HS code (blank: classified)",
            "090111" if first else "",
        ),
        Column(
            f"product_{slot}_monthly_capacity",
            "decimal",
            f"Produk {slot}: kapasitas per bulan",
            f"Product {slot}: monthly capacity",
            "20.000" if first else "",
        ),
        Column(
            f"product_{slot}_capacity_unit",
            "choice",
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
            "code",
            f"Sertifikat berlaku terbatas {slot}: kode",
            f"Certificate with an expiry {slot}: code",
            "ORGANIC" if first else "",
        ),
        Column(
            f"cert_{slot}_valid_until",
            "date",
            f"Sertifikat {slot}: berlaku sampai (tanggal)",
            f"Certificate {slot}: valid until (date)",
            "2027-08-01" if first else "",
        ),
    ]


COLUMNS: tuple[Column, ...] = (
    Column("name", "text", "Nama IKM (wajib)", "IKM name (required)", "Koperasi Kopi Gayo Lestari"),
    Column(
        "nib", "code", "NIB, 13 digit (kunci impor ulang)", "NIB, 13 digits (re-import key)", "9120001234567"
    ),
    Column(
        "legal_form",
        "choice",
        "Bentuk usaha: perorangan, ud, cv, pt, koperasi, kelompok",
        "Legal form: perorangan, ud, cv, pt, koperasi, kelompok",
        "koperasi",
    ),
    Column(
        "region_code",
        "region",
        "Kode kabupaten/kota PP.KK (kosong: wilayah impor)",
        "Kabupaten/kota code PP.KK (blank: the import's region)",
        "11.17",
    ),
    Column(
        "kecamatan_code",
        "code",
        "Kode kecamatan PP.KK.CC (opsional, di kabupaten/kota tersebut)",
        "Kecamatan code PP.KK.CC (optional, inside that kabupaten/kota)",
        "11.17.01",
    ),
    Column("founded_year", "year", "Tahun berdiri", "Year founded", "2012"),
    Column("founded_on", "date", "Tanggal berdiri (opsional)", "Date founded (optional)", ""),
    Column("employees", "integer", "Jumlah tenaga kerja", "Employees", "14"),
    Column("annual_revenue_idr", "integer", "Omzet per tahun (Rp)", "Annual revenue (IDR)", "4.200.000.000"),
    Column(
        "owner_gender",
        "choice",
        "Gender pemilik: female, male, undisclosed",
        "Owner gender: female, male, undisclosed",
        "female",
    ),
    Column("owner_name", "text", "Nama pemilik", "Owner name", "Siti Aminah"),
    Column("contact_email", "text", "E-mail kontak", "Contact e-mail", "koperasi@example.id"),
    Column("contact_phone", "code", "Telepon kontak", "Contact phone", "+62 812 0000 0000"),
    Column(
        "credit_status",
        "choice",
        "Status SLIK: current, special_mention, substandard, doubtful, loss, none",
        "SLIK status: current, special_mention, substandard, doubtful, loss, none",
        "current",
    ),
    Column(
        "group_kind",
        "choice",
        "Kelompok: sentra, cooperative, village",
        "Group: sentra, cooperative, village",
        "cooperative",
    ),
    Column("group_members", "integer", "Jumlah anggota kelompok", "Group members", "605"),
    Column("ovop_stars", "integer", "Bintang OVOP 0–5", "OVOP stars 0–5", "3"),
    *(column for slot in range(1, PRODUCT_SLOTS + 1) for column in _product_columns(slot)),
    Column(
        "certifications",
        "list",
        "Sertifikat tanpa tanggal kedaluwarsa, dipisah ;",
        "Certificates without an expiry date, separated by ;",
        "NIB; NPWP",
    ),
    *(column for slot in range(1, CERTIFICATE_SLOTS + 1) for column in _certificate_columns(slot)),
    Column("export_direct", "bool", "Pernah ekspor langsung (ya/tidak)", "Exported directly (yes/no)", "ya"),
    Column(
        "export_indirect",
        "bool",
        "Pernah ekspor lewat pedagang (ya/tidak)",
        "Exported through a trader",
        "tidak",
    ),
    Column(
        "export_markets",
        "list",
        "Negara tujuan ekspor sebelumnya (ISO2, dipisah ;)",
        "Past export markets (ISO2, separated by ;)",
        "US",
    ),
    Column("last_export_year", "year", "Tahun ekspor terakhir", "Last export year", "2025"),
    Column(
        "target_markets",
        "list",
        "Negara tujuan (ISO2, dipisah ;)",
        "Target markets (ISO2, separated by ;)",
        "US; DE",
    ),
    Column(
        "buyer_contract_market",
        "code",
        "Negara pembeli dengan kontrak/PO/LC (ISO2)",
        "Market of a buyer contract, PO or LC (ISO2)",
        "US",
    ),
    Column("practice_bookkeeping", "bool", "Pembukuan (ya/tidak)", "Bookkeeping (yes/no)", "ya"),
    Column("practice_bank_account", "bool", "Rekening bank usaha (ya/tidak)", "Business bank account", "ya"),
    Column("practice_email", "bool", "Memakai e-mail (ya/tidak)", "Uses e-mail (yes/no)", "ya"),
    Column("practice_website", "bool", "Punya situs web (ya/tidak)", "Has a website (yes/no)", "tidak"),
    Column(
        "practice_marketplace", "bool", "Berjualan di marketplace (ya/tidak)", "Sells on a marketplace", "ya"
    ),
)
COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}
SIMPLE_FIELDS = SCALAR_PROFILE_FIELDS  # one CSV/XLSX column each


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


def _text(value) -> str | None:
    """A cell as trimmed text; whole numbers without ".0"; None when empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def parse_number(value, integer: bool):
    """A number from a cell: Excel numbers as they are; text with thousands separators and decimal commas.

    "4.200.000.000" and "4,200,000,000" are 4200000000; "1,5" and "1.5" are 1.5; "Rp 2.000.000" is 2000000.
    Text that is not a number is returned unchanged, so the schema reports it.
    """
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return int(value) if integer and float(value).is_integer() else value
    text = (
        re.sub(r"^(rp\.?|idr)\s*", "", str(value).strip(), flags=re.IGNORECASE)
        .replace(" ", "")
        .replace("\u00a0", "")
    )
    if not text:
        return None
    if GROUPED_THOUSANDS.match(text):
        number = text.replace(".", "").replace(",", "")
    elif "." in text and "," in text:  # the last separator is the decimal one
        decimal = "." if text.rfind(".") > text.rfind(",") else ","
        number = text.replace("," if decimal == "." else ".", "").replace(decimal, ".")
    else:
        number = text.replace(",", ".")
    try:
        parsed = float(number)
    except ValueError:
        return str(value).strip()
    if integer:
        return int(parsed) if parsed.is_integer() else str(value).strip()
    return parsed


def parse_date(value):
    """A date from a cell: Excel date cells and serial numbers, ISO text, or day-first DD/MM/YYYY."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if EXCEL_SERIAL_RANGE[0] <= value <= EXCEL_SERIAL_RANGE[1]:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date().isoformat()
        return str(value)
    text = _text(value)
    if text is None:
        return None
    match = DAY_FIRST_DATE.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return text
    if re.match(r"^\d{5}(\.0+)?\Z", text):  # a serial number exported as text
        return parse_date(float(text))
    return text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[ T]", text) else text


def parse_bool(value):
    """Yes/no in Bahasa Indonesia or English, 1/0, TRUE/FALSE; anything else is left for the schema."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return bool(value) if value in (0, 1) else value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return text or None


def parse_list(value) -> list[str] | None:
    """Codes separated by ";" or "," (upper case), None when empty."""
    text = _text(value)
    if text is None:
        return None
    return [item.strip().upper() for item in re.split(r"[;,]", text) if item.strip()]


def parse_cell(column: Column, value):
    """A cell converted for its column (None when empty)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if column.kind == "integer":
        return parse_number(value, integer=True)
    if column.kind == "decimal":
        return parse_number(value, integer=False)
    if column.kind == "year":
        if isinstance(value, datetime | date):
            return value.year
        return parse_number(value, integer=True)
    if column.kind == "date":
        return parse_date(value)
    if column.kind == "bool":
        return parse_bool(value)
    if column.kind == "list":
        return parse_list(value)
    if column.kind == "choice":
        return _text(value).lower()
    if column.kind == "region" and isinstance(value, float):
        return f"{value:.2f}"  # Excel turned 11.10 into the number 11.1
    if column.kind == "code":
        return _code(column.name, _text(value), excel_number=isinstance(value, int | float))
    return _text(value)


def _code(column_name: str, text: str | None, excel_number: bool) -> str | None:
    """Codes as text; leading zeros Excel dropped are put back (HS codes of chapters 01–09, numeric NIB)."""
    if text is None:
        return None
    if not text.isdigit():
        return text.upper() if column_name.endswith(("_code", "market")) else text
    if column_name.endswith("hs_code") and len(text) == 5:
        return text.zfill(6)
    if column_name == "nib" and excel_number and len(text) == 12:
        return text.zfill(13)
    return text


class _ProfileBuilder:
    """Collects a profile and remembers the column behind every path, for error messages."""

    def __init__(self, values: dict) -> None:
        self.values = values
        self.profile: dict = {}
        self.sources: dict[tuple, str] = {}

    def put(self, path: tuple, value, column: str) -> None:
        """Set a value at a path of nested dicts and note its column."""
        node = self.profile
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
        self.sources[path] = column

    def build(self) -> dict:
        """Fill the profile from the row's values."""
        values = self.values
        for name in SIMPLE_FIELDS:
            if values.get(name) is not None:
                self.put((name,), values[name], name)
        if values.get("group_kind") is not None or values.get("group_members") is not None:
            self.put(("group", "kind"), values.get("group_kind"), "group_kind")
            self.put(("group", "members"), values.get("group_members"), "group_members")
        self._products()
        self._certifications()
        self._export_and_markets()
        return self.profile

    def _products(self) -> None:
        """product_N_* columns → products[]."""
        self.profile["products"] = []
        self.sources[("products",)] = "product_1_description"
        for slot in range(1, PRODUCT_SLOTS + 1):
            keys = ("description", "hs_code", "monthly_capacity", "capacity_unit")
            item = {key: self.values.get(f"product_{slot}_{key}") for key in keys}
            if all(value is None for value in item.values()):
                continue
            index = len(self.profile["products"])
            self.profile["products"].append({key: value for key, value in item.items() if value is not None})
            for key in keys:
                self.sources[("products", index, key)] = f"product_{slot}_{key}"
            self.sources[("products", index)] = f"product_{slot}_description"

    def _certifications(self) -> None:
        """The certifications list and cert_N_* pairs → certifications[]."""
        certifications, sources = [], []
        for code in self.values.get("certifications") or []:
            certifications.append({"code": code})
            sources.append(("certifications", "certifications"))
        for slot in range(1, CERTIFICATE_SLOTS + 1):
            code, valid_until = (
                self.values.get(f"cert_{slot}_code"),
                self.values.get(f"cert_{slot}_valid_until"),
            )
            if code is None and valid_until is None:
                continue
            item = {"code": code}
            if valid_until is not None:
                item["valid_until"] = valid_until
            certifications.append(item)
            sources.append((f"cert_{slot}_code", f"cert_{slot}_valid_until"))
        if certifications:
            self.profile["certifications"] = certifications
        for index, (code_column, date_column) in enumerate(sources):
            self.sources[("certifications", index)] = code_column
            self.sources[("certifications", index, "code")] = code_column
            self.sources[("certifications", index, "valid_until")] = date_column
        self.sources[("certifications",)] = "certifications"

    def _export_and_markets(self) -> None:
        """Export history, target markets, buyer contract and practices."""
        values = self.values
        history = {
            "direct": values.get("export_direct"),
            "indirect": values.get("export_indirect"),
            "markets": values.get("export_markets"),
            "last_export_year": values.get("last_export_year"),
        }
        history_columns = {
            "direct": "export_direct",
            "indirect": "export_indirect",
            "markets": "export_markets",
            "last_export_year": "last_export_year",
        }
        if any(value is not None for value in history.values()):
            for key, value in history.items():
                if value is not None:
                    self.put(("export_history", key), value, history_columns[key])
        for key, column in history_columns.items():
            self.sources.setdefault(("export_history", key), column)
        if values.get("target_markets") is not None:
            self.put(("target_markets",), values["target_markets"], "target_markets")
        self.sources[("target_markets",)] = "target_markets"
        if values.get("buyer_contract_market") is not None:
            self.put(("buyer_contract", "market"), values["buyer_contract_market"], "buyer_contract_market")
        practices = {key: values.get(f"practice_{key}") for key in PRACTICE_FIELDS}
        for key, value in practices.items():
            if value is not None:
                self.put(("practices", key), value, f"practice_{key}")
            self.sources.setdefault(("practices", key), f"practice_{key}")


def row_to_profile(row: SourceRow) -> RowProfile:
    """A source row as an IKM profile (not yet validated) plus the column of every field."""
    values = {}
    for name, raw in row.cells.items():
        column = COLUMNS_BY_NAME.get(name)
        values[name] = parse_cell(column, raw) if column else raw
    builder = _ProfileBuilder(values)
    profile = builder.build()
    return RowProfile(row.line, profile, builder.sources)


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
