"""Words the pages show for engine codes, Bahasa Indonesia first, English second."""

from __future__ import annotations

import re

LEVELS = {
    "not_ready": ("Belum siap", "Not ready"),
    "developing": ("Berkembang", "Developing"),
    "ready_with_support": ("Siap dengan pendampingan", "Ready with support"),
    "export_ready": ("Siap ekspor", "Export ready"),
}
ROUTES = {
    "financial": ("Pembiayaan ekspor LPEI", "LPEI export financing"),
    "non_financial": ("Program pendampingan (non-keuangan) LPEI", "LPEI non-financial programmes"),
}
SEVERITIES = {
    "blocking": ("Wajib — menghalangi penjualan", "Blocking"),
    "upcoming": ("Segera wajib", "Upcoming"),
    "major": ("Penting — umum diminta pembeli", "Major"),
    "minor": ("Prosedural", "Minor"),
    "opportunity": ("Peluang harga/akses", "Opportunity"),
}
PROGRAMME_RESULTS = {
    "eligible": ("Memenuhi syarat", "Eligible"),
    "ineligible": ("Belum memenuhi syarat", "Not eligible"),
    "needs_information": ("Perlu data tambahan", "Needs information"),
}
OUTCOMES = {
    "pass": ("Lolos", "Pass"),
    "fail": ("Tidak lolos", "Fail"),
    "unknown": ("Belum diketahui", "Unknown"),
}
DIMENSIONS = {
    "compliance": ("Kepatuhan", "Compliance"),
    "capacity": ("Kapasitas", "Capacity"),
    "quality": ("Mutu", "Quality"),
    "management": ("Manajemen", "Management"),
    "market": ("Pasar", "Market"),
    "digital": ("Digital", "Digital"),
}
FIELDS = {
    "name": ("Nama usaha", "Business name"),
    "nib": ("NIB", "NIB"),
    "legal_form": ("Bentuk usaha", "Legal form"),
    "region_code": ("Kabupaten/kota", "District"),
    "founded_year": ("Tahun berdiri", "Year founded"),
    "employees": ("Jumlah tenaga kerja", "Employees"),
    "annual_revenue_idr": ("Omzet tahunan (Rp)", "Annual revenue (IDR)"),
    "owner_gender": ("Jenis kelamin pemilik", "Owner gender"),
    "credit_status": ("Status kredit (SLIK)", "Credit status (SLIK)"),
    "group": ("Kelompok", "Group"),
    "ovop_stars": ("Bintang OVOP", "OVOP stars"),
    "products": ("Produk", "Products"),
    "description": ("Deskripsi produk", "Product description"),
    "hs_code": ("Kode HS", "HS code"),
    "monthly_capacity": ("Kapasitas per bulan", "Monthly capacity"),
    "capacity_unit": ("Satuan", "Unit"),
    "certifications": ("Sertifikat", "Certificates"),
    "valid_until": ("Berlaku sampai", "Valid until"),
    "target_markets": ("Negara tujuan", "Target markets"),
    "buyer_contract": ("Kontrak pembeli", "Buyer contract"),
    "export_history": ("Riwayat ekspor", "Export history"),
    "last_export_year": ("Tahun ekspor terakhir", "Last export year"),
    "markets": ("Negara", "Markets"),
    "practices": ("Praktik usaha", "Business practices"),
    "members": ("Jumlah anggota", "Members"),
    "kind": ("Jenis kelompok", "Group kind"),
    "as_of": ("Tanggal penilaian", "Assessment date"),
}
# marshmallow's English messages, said in Bahasa Indonesia first.
MESSAGES = [
    (re.compile(r"^Missing data for required field\.$"), "Wajib diisi."),
    (re.compile(r"^Field may not be null\.$"), "Wajib diisi."),
    (re.compile(r"^Not a valid integer\.$"), "Harus berupa bilangan bulat."),
    (re.compile(r"^Not a valid number\.$"), "Harus berupa angka."),
    (re.compile(r"^Not a valid date\.$"), "Tanggal tidak valid (format TTTT-BB-HH)."),
    (re.compile(r"^Must be one of: .*"), "Pilih salah satu pilihan yang tersedia."),
    (
        re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
        "Di luar batas.",
    ),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), "Nilai terlalu kecil."),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), "Terlalu pendek."),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), "Terlalu panjang."),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), "Jumlah isian di luar batas."),
    (re.compile(r"^Not a valid email address\.$"), "Alamat e-mail tidak valid."),
]


def bilingual(message: str) -> str:
    """A validation message in Bahasa Indonesia, then English (messages already bilingual are kept)."""
    if " / " in message:
        return message
    for pattern, indonesian in MESSAGES:
        if pattern.match(message):
            return f"{indonesian} / {message}"
    return message


def field_label(path: str) -> str:
    """'products.0.description' → 'Produk 1 — Deskripsi produk / Product description'."""
    parts = path.split(".")
    words = []
    for position, part in enumerate(parts):
        if part.isdigit():
            words[-1] = f"{words[-1]} {int(part) + 1}"
            continue
        indonesian, english = FIELDS.get(part, (part, part))
        words.append(indonesian if position < len(parts) - 1 else f"{indonesian} / {english}")
    return " — ".join(words)


def flatten_errors(messages, prefix: str = "") -> dict[str, str]:
    """marshmallow's nested error messages as {dotted path: bilingual message}."""
    flat: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            flat.update(flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        flat[prefix or "_schema"] = " ".join(bilingual(item) for item in messages)
    else:
        flat[prefix or "_schema"] = str(messages)
    return flat
