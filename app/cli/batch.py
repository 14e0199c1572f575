"""`flask --app wsgi assess-batch`: assess a file of IKM profiles with the vectorised engine.

Input is JSON lines (one profile per line, as in contract.md) or CSV with this column layout:

  name, nib, legal_form, region_code, founded_year, founded_on, employees, annual_revenue_idr, owner_gender,
  credit_status, group_kind, group_members, ovop_stars, products, certifications, export_direct,
  export_indirect, export_markets, last_export_year, target_markets, buyer_market,
  bookkeeping, bank_account, email, website, marketplace

  - products: items separated by `;`, each `hs_code|description|monthly_capacity|capacity_unit`
    (hs_code may be empty; trailing parts may be left out), e.g. `090111|Kopi gayo|20000|kg`
  - certifications: `;`-separated `CODE` or `CODE@YYYY-MM-DD` (valid until), e.g. `NIB;ORGANIC@2027-08-01`
  - target_markets, export_markets: ISO alpha-2 codes separated by `;` or `,`
  - cells are read by the one profile reader of the form and the import (app/profile_reader.py):
    yes/no words in Bahasa Indonesia or English (ya/tidak, yes/no, true/false, 1/0), numbers the
    Indonesian way ("20.000" is twenty thousand, "1,5" one and a half), dates ISO or DD/MM/YYYY; an
    empty cell means "not given"; a number or yes/no that cannot be read rejects the row naming the field

Rows are validated against contract.md's profile rules, whose single authority is the app's marshmallow
IkmProfileSchema (app/schemas/ikm.py). The default `--validator engine` checks each row with
app/engine/validation.py's check compiled from that schema (its fields and validators as plain Python,
the schema's own validator functions called; a property test compares it with the schema), and asks
the schema for the messages of the rows it rejects, so rejects carry the API's wording. `--validator
schema` loads every row with the schema. Rows that fail go to the rejects file (line, field, message)
and the rest are assessed. Products without an HS code are classified by the app's HS classifier when one
is loaded (hs_source model/keyword, hs_score). Results are JSON lines or CSV by the output file's extension.
"""

from __future__ import annotations

import csv
import gc
import json
import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import with_appcontext

from app import reference
from app.engine import Policy
from app.engine.validation import row_validator
from app.profile_reader import ReadError, read_profile
from app.vocabulary import PRACTICE_FIELDS

if TYPE_CHECKING:
    import pandas as pd

CHUNK_ROWS = 20_000
CSV_COLUMNS = (
    "name",
    "nib",
    "legal_form",
    "region_code",
    "founded_year",
    "founded_on",
    "employees",
    "annual_revenue_idr",
    "owner_gender",
    "credit_status",
    "group_kind",
    "group_members",
    "ovop_stars",
    "products",
    "certifications",
    "export_direct",
    "export_indirect",
    "export_markets",
    "last_export_year",
    "target_markets",
    "buyer_market",
    *PRACTICE_FIELDS,
)


# The CSV layout's columns as the profile reader's flat fields (app.profile_reader.FLAT_FIELDS).
CSV_TO_FLAT = {
    **{column: column for column in CSV_COLUMNS},
    "buyer_market": "buyer_contract_market",
    **{practice: f"practice_{practice}" for practice in PRACTICE_FIELDS},
}


def profile_from_csv_row(row: dict[str, str]) -> dict:
    """A contract-shaped profile from one CSV row of the documented layout, read strictly by the one
    profile reader (ReadError naming the field when a number or yes/no cannot be read)."""
    values = {CSV_TO_FLAT[key]: value for key, value in row.items() if key in CSV_TO_FLAT}
    return read_profile(values, strict=True).profile


def read_rows(path: Path) -> Iterator[tuple[int, dict | None, list[tuple[str, str]]]]:
    """Yield (line number, raw profile or None, read errors) from a JSON-lines or CSV file."""
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            unknown = [column for column in reader.fieldnames or () if column not in CSV_COLUMNS]
            if unknown:
                raise click.UsageError(
                    f"{path}: unknown CSV columns {unknown}; expected {', '.join(CSV_COLUMNS)}"
                )
            for row in reader:
                try:
                    yield reader.line_num, profile_from_csv_row(row), []
                except ReadError as error:
                    yield reader.line_num, None, [(error.field, str(error))]
        return
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield line_number, json.loads(line), []
            except json.JSONDecodeError as error:
                yield line_number, None, [("_line", f"not valid JSON: {error.msg}")]


def _json_safe(value):
    """A value of a result frame as plain JSON (NaN → null, numpy scalars → Python)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


_JSON_LINE = json.JSONEncoder(ensure_ascii=False)  # json.dumps(record, ensure_ascii=False), built once


def _json_column(column: pd.Series) -> list:
    """A result column's values as _json_safe gives them, converted once per column (tolist gives plain
    Python scalars for numeric, bool and string columns; only NaN is left to read as null)."""
    values = column.tolist()
    if column.dtype.kind in "iub":
        return values
    if column.dtype.kind == "O" and column.dtype != "str":  # objects: maybe numpy scalars
        return [_json_safe(value) for value in values]
    return [None if type(value) is float and value != value else value for value in values]


class ResultWriter:
    """Writes result rows as JSON lines or CSV, chosen by the output file's extension."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.is_csv = path.suffix.lower() == ".csv"
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.header_written = False

    def write(self, frame: pd.DataFrame) -> None:
        """Append one chunk of results."""
        if self.is_csv:
            frame.to_csv(self.handle, index=False, header=not self.header_written, lineterminator="\n")
            self.header_written = True
            return
        columns = list(frame.columns)
        values = [_json_column(frame[column]) for column in columns]
        encode = _JSON_LINE.encode
        self.handle.write(
            "".join(encode(dict(zip(columns, row, strict=True))) + "\n" for row in zip(*values, strict=True))
        )

    def close(self) -> None:
        """Close the file."""
        self.handle.close()


def _policy() -> Policy:
    """The one runtime Policy (app.reference.policy: the app's, loaded from POLICY_DIR)."""
    return reference.policy()


def _classifier():
    """The app's HS classifier (model or keyword fallback) when running in the app, else None."""
    try:
        models = current_app.extensions.get("ml")
    except RuntimeError:
        return None
    return getattr(models, "hs_classifier", None)


def classify_missing_hs(profiles: list[dict], classifier, cache: dict) -> list[dict]:
    """Give products without an HS code the classifier's best code, hs_source and hs_score, in one call."""
    if classifier is None:
        return profiles
    wanted = {
        product.get("description", "")
        for profile in profiles
        for product in profile.get("products") or ()
        if not product.get("hs_code")
    }
    new = sorted(wanted - cache.keys())
    if new:
        if hasattr(classifier, "rank_many"):
            ranked = classifier.rank_many(new, 1)
        else:
            ranked = [classifier.classify(description, limit=1) for description in new]
        for description, candidates in zip(new, ranked, strict=True):
            best = candidates[0] if candidates else None
            cache[description] = (best["hs_code"], round(float(best["score"]), 4)) if best else (None, 0.0)
    source = "keyword" if str(getattr(classifier, "version", "")).startswith("hs-keyword") else "model"
    return [_with_codes(profile, cache, source) if _lacks_code(profile) else profile for profile in profiles]


def _lacks_code(profile: dict) -> bool:
    return any(not product.get("hs_code") for product in profile.get("products") or ())


def _with_codes(profile: dict, cache: dict, source: str) -> dict:
    products = []
    for product in profile["products"]:
        if product.get("hs_code"):
            products.append(product)
            continue
        hs_code, score = cache[product.get("description", "")]
        products.append({**product, "hs_code": hs_code, "hs_source": source, "hs_score": score})
    return {**profile, "products": products}


def run_batch(
    input_path: Path,
    output_path: Path,
    as_of: date,
    policy: Policy,
    rejects_path: Path,
    progress: bool = True,
    classifier=None,
    validator: str = "engine",
) -> tuple[int, int]:
    """Validate, classify missing HS codes, assess and write every row; return (assessed, rejected).

    The garbage collector is paused while a chunk of rows is read and checked and collects the young
    generations once per chunk instead (a pass over a growing chunk costs more than checking a row)."""
    from tqdm import tqdm  # imported on use, as numpy and pandas are: `flask --help` needs none of them

    from app.engine import assess_frame, profiles_to_frame

    validate = row_validator(validator)
    classification_cache: dict = {}
    writer = ResultWriter(output_path)
    assessed = rejected = 0
    with rejects_path.open("w", encoding="utf-8", newline="") as rejects_handle:
        rejects = csv.writer(rejects_handle, lineterminator="\n")
        rejects.writerow(["line", "field", "message"])
        lines: list[int] = []
        profiles: list[dict] = []

        def flush() -> None:
            nonlocal assessed
            if not profiles:
                return
            classified = classify_missing_hs(profiles, classifier, classification_cache)
            results = assess_frame(profiles_to_frame(classified), as_of, policy)
            results.insert(0, "line", lines)
            results.insert(1, "name", [profile.get("name") for profile in profiles])
            writer.write(results)
            assessed += len(profiles)
            lines.clear()
            profiles.clear()
            del classified, results
            if collecting:  # the cycles made meanwhile (frames, a rejected row's error): once per chunk
                gc.collect(1)

        collecting = gc.isenabled()
        gc.disable()  # no collector pass over the growing chunk of rows (about 6 us a row)
        try:
            for line_number, raw, read_errors in tqdm(
                read_rows(input_path), desc="assess-batch", unit=" rows", disable=not progress
            ):
                profile, errors = (None, read_errors) if read_errors else validate(raw)
                if errors:
                    rejected += 1
                    for field, message in errors:
                        rejects.writerow([line_number, field, message])
                    continue
                lines.append(line_number)
                profiles.append(profile)
                if len(profiles) >= CHUNK_ROWS:
                    flush()
            flush()
        finally:
            if collecting:
                gc.enable()
            writer.close()
    return assessed, rejected


CSV_HELP = (
    "CSV columns: "
    + ", ".join(CSV_COLUMNS)
    + ". products: ';'-separated hs_code|description|monthly_capacity|"
    "capacity_unit; certifications: ';'-separated CODE or CODE@YYYY-MM-DD; markets: ';'-separated ISO2; "
    "booleans true/false/ya/tidak; empty cell = not given. Output format follows the --output extension "
    "(.csv, else JSON lines)."
)


@click.command("assess-batch", epilog=CSV_HELP)
@click.option(
    "--input", "input_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--output", "output_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Default: today."
)
@click.option(
    "--rejects",
    "rejects_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Rejected rows (line, field, message); default <output>.rejects.csv.",
)
@click.option(
    "--validator",
    type=click.Choice(["engine", "schema"]),
    default="engine",
    show_default=True,
    help="engine: the engine's fast check, equivalent to the API's IkmProfileSchema, with the schema's "
    "messages for rejected rows; schema: the marshmallow schema for every row (slower).",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@with_appcontext
def assess_batch_command(input_path, output_path, as_of, rejects_path, validator, quiet):
    """Assess a JSON-lines or CSV file of IKM profiles; write results and rejected rows."""
    as_of_date = as_of.date() if as_of is not None else date.today()
    rejects_path = rejects_path or output_path.with_name(output_path.name + ".rejects.csv")
    assessed, rejected = run_batch(
        input_path,
        output_path,
        as_of_date,
        _policy(),
        rejects_path,
        not quiet,
        classifier=_classifier(),
        validator=validator,
    )
    click.echo(f"assessed {assessed} rows, rejected {rejected} rows as of {as_of_date.isoformat()}")
    click.echo(f"results: {output_path}")
    click.echo(f"rejects: {rejects_path}")
