"""The engine's row validation, compiled from IkmProfileSchema, accepts exactly what Schema.load accepts."""

from __future__ import annotations

import copy
import json
import math
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import vocabulary as v
from app.cli.batch import run_batch
from app.demo import generate_profiles
from app.engine.validation import row_validator, schema_validator, validate_profile

from .conftest import load_cases, merge
from .strategies import profiles as generated_profiles

BASE, _ = load_cases("programmes.yaml")
INVALID = [
    ({"name": ""}, "name"),
    ({"nib": "12345"}, "nib"),
    ({"legal_form": "bumn"}, "legal_form"),
    ({"region_code": "99.99"}, "region_code"),
    ({"founded_year": 1899}, "founded_year"),
    ({"annual_revenue_idr": -1}, "annual_revenue_idr"),
    ({"credit_status": "lancar"}, "credit_status"),
    ({"group": {"kind": "club", "members": 3}}, "group.kind"),
    ({"ovop_stars": 6}, "ovop_stars"),
    ({"products": []}, "products"),
    ({"products": [{"description": "kopi", "hs_code": "999998"}]}, "products.0.hs_code"),
    ({"products": [{"description": "kopi", "capacity_unit": "karung"}]}, "products.0.capacity_unit"),
    ({"certifications": [{"code": "ISO9001"}]}, "certifications.0.code"),
    ({"certifications": [{"code": "HALAL", "valid_until": "next year"}]}, "certifications.0.valid_until"),
    ({"target_markets": ["EU"]}, "target_markets.0"),
    ({"buyer_contract": {"market": "XX"}}, "buyer_contract.market"),
    ({"practices": {"email": "maybe"}}, "practices.email"),
    # Rules the engine's check once missed.
    ({"website": "https://kopi.id"}, "website"),
    ({"group": {"kind": "sentra", "members": 3, "since": 2001}}, "group.since"),
    ({"products": [{"description": "kopi", "hs_source": "model"}]}, "products.0.hs_source"),
    ({"name": "x" * 201}, "name"),
    ({"products": [{"description": "x" * 501}]}, "products.0.description"),
    ({"owner_name": "x" * 201}, "owner_name"),
    ({"employees": 1_000_001}, "employees"),
    ({"annual_revenue_idr": 10**16 + 1}, "annual_revenue_idr"),
    ({"products": [{"description": "kopi", "monthly_capacity": 10**12 + 1}]}, "products.0.monthly_capacity"),
    ({"products": [{"description": "kopi", "monthly_capacity": math.inf}]}, "products.0.monthly_capacity"),
    ({"name": "Kopi\x00Gayo"}, "name"),
    ({"name": "Kopi \ud800"}, "name"),
    ({"employees": True}, "employees"),
    ({"employees": 10.0}, "employees"),
    ({"founded_year": "2015"}, "founded_year"),
    ({"founded_year": date.today().year + 1}, "founded_year"),
    ({"contact_email": "kopi@"}, "contact_email"),
    ({"contact_phone": "12-34"}, "contact_phone"),
    ({"nib": "123456789012a"}, "nib"),
    ({"products": [{"description": "kopi", "hs_code": "999999"}]}, "products.0.hs_code"),
    ({"certifications": [{"code": "HALAL"}] * 101}, "certifications"),
    ({"target_markets": ["JP"] * 31}, "target_markets"),
    ({"export_history": {"markets": ["JP"] * 251}}, "export_history.markets"),
    ({"group": {"kind": "sentra"}}, "group.members"),
    ({"group": {"members": 3}}, "group.kind"),
    ({"buyer_contract": {}}, "buyer_contract.market"),
    ({"products": "~remove"}, "products"),
    ({"region_code": "~remove"}, "region_code"),
    ({"products": [{"description": "kopi"}] * 51}, "products"),
    ({"certifications": None}, "certifications"),
    ({"group": [1]}, "group._schema"),
    ({"products": [None]}, "products.0"),
]


def test_a_valid_profile_passes():
    profile, errors = validate_profile(BASE)
    assert errors == [] and profile is BASE


@pytest.mark.parametrize(("change", "field"), INVALID, ids=[field for _, field in INVALID])
def test_an_invalid_field_is_rejected_with_its_path(change, field):
    profile, errors = validate_profile(merge(BASE, change))
    assert profile is None
    assert field in [path for path, _ in errors], errors


@pytest.mark.parametrize(("change", "field"), INVALID, ids=[field for _, field in INVALID])
def test_the_schema_rejects_the_same_rows(change, field):
    validate = schema_validator()
    if validate is None:
        pytest.skip("app.schemas.ikm is not importable")
    profile, errors = validate(merge(BASE, change))
    assert profile is None
    assert field in [path for path, _ in errors], errors


def test_values_the_schema_converts_are_converted_and_the_input_is_left_alone():
    raw = merge(
        BASE,
        {
            "name": "  Kelompok Uji Kopi ",
            "practices": {"email": "yes", "website": 0},
            "export_history": {"direct": "1", "indirect": 0.0},
            "products": [{"description": " Kopi ", "monthly_capacity": " 2.5e3 "}],
            "certifications": [{"code": "HALAL", "valid_until": "20270801"}],
        },
    )
    before = copy.deepcopy(raw)
    profile, errors = validate_profile(raw)
    assert errors == [] and raw == before
    assert profile["name"] == "Kelompok Uji Kopi"
    assert profile["practices"]["email"] is True and profile["practices"]["website"] is False
    assert profile["export_history"]["direct"] is True and profile["export_history"]["indirect"] is False
    assert profile["products"] == [{"description": "Kopi", "monthly_capacity": 2500.0}]
    assert profile["certifications"] == [{"code": "HALAL", "valid_until": "2027-08-01"}]


def test_the_current_year_is_the_last_valid_year():
    this_year = date.today().year
    assert validate_profile(merge(BASE, {"founded_year": this_year}))[1] == []
    assert validate_profile(merge(BASE, {"founded_year": this_year + 1}))[1]


def test_the_batch_validator_reports_rejects_in_the_schemas_words():
    schema = schema_validator()
    for change, _ in INVALID:
        raw = merge(BASE, change)
        assert row_validator()(raw) == schema(raw)
    assert row_validator()(BASE) == (BASE, [])
    assert row_validator("schema") is not None


def test_both_batch_validators_write_the_same_results_and_rejects(policy, tmp_path):
    rows = [*generate_profiles(150, 7), *(merge(BASE, change) for change, _ in INVALID)]
    rows += [merge(BASE, {"name": "  Padded Name  ", "practices": {"email": "yes"}}), [1, 2], "text"]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    written = {}
    for kind in ("engine", "schema"):
        output, rejects = tmp_path / f"out-{kind}.jsonl", tmp_path / f"rejects-{kind}.csv"
        counts = run_batch(
            source, output, date(2026, 11, 27), policy, rejects, progress=False, validator=kind
        )
        written[kind] = (counts, output.read_text(encoding="utf-8"), rejects.read_text(encoding="utf-8"))
    assert written["engine"][0] == (151, len(INVALID) + 2)
    assert written["engine"] == written["schema"]


# --- the property: same verdict as the schema on mutated profiles ------------------------------------------

THIS_YEAR = date.today().year
DEMO = generate_profiles(200, 20261127)
ITEM = "[]"  # a list position in a path
OBJECT_PATHS = (
    (),
    ("group",),
    ("products", ITEM),
    ("certifications", ITEM),
    ("export_history",),
    ("buyer_contract",),
    ("practices",),
)
# A valid value for each container a mutation may need to create first.
PARENTS = {
    ("group",): {"kind": "village", "members": 12},
    ("buyer_contract",): {"market": "JP"},
    ("practices",): {"bookkeeping": True},
    ("export_history",): {"direct": False, "indirect": False, "markets": []},
    ("certifications", ITEM): {"code": "HALAL", "valid_until": "2027-08-01"},
    ("target_markets", ITEM): "JP",
    ("export_history", "markets", ITEM): "DE",
    ("products", ITEM): {"description": "Kopi arabika", "hs_code": "090111"},
}
PRODUCT = {"description": "Kopi arabika", "hs_code": "090111", "monthly_capacity": 10, "capacity_unit": "kg"}
BOOLEANS = (
    True, False, 1, 0, 1.0, 0.0, -0.0, 2, -1, 0.5, "true", "True", "TRUE", "tRue", "t", "T", "on", "On",
    "ON", "y", "Y", "yes", "Yes", "YES", "1", "false", "False", "f", "off", "n", "N", "no", "NO", "0", "ya",
    "tidak", "", " true", "true ", "1.0", "01",
)  # fmt: skip
YEARS = (1899, 1900, 1901, 2000, THIS_YEAR - 1, THIS_YEAR, THIS_YEAR + 1, 2000.0, "2000", True, 10**30)
COUNTRIES = ("JP", "ID", "DE", "US", "XX", "EU", "jp", "JPN", "JP ", "", 81)
TEXTS = (
    "", " ", "  \t ", "a", " a ", "Kopi Gayo", "\u00a0Kopi\u3000", "x\x7fy", "x\x85", "tab\tnew\nline\rcr",
    "a\x00b", "a\x01b", "a\x0bb", "a\x0cb", "a\x1fb", "\x1c", "a\ud800b", "\udfff", "\ud83d\ude00",
    "\U0001f600", "é", "\u200b",
)  # fmt: skip


def _around(limit: int) -> tuple:
    return (limit - 1, limit, limit + 1)


def _texts(low: int, high: int) -> tuple:
    """Text around a length range, with padding that trimming removes."""
    return (
        *TEXTS,
        "x" * max(low - 1, 0),
        "x" * low,
        "x" * high,
        "x" * (high + 1),
        " " + "x" * high + " ",
        " " + "x" * (high + 1),
        "é" * high,
        "\u2003" * 3 + "x" * high,
    )


# Field-specific values: boundaries ±1, near-misses and the other forms marshmallow accepts.
SPECIFIC = {
    ("name",): _texts(v.NAME_MIN_LENGTH, v.NAME_MAX_LENGTH),
    ("nib",): (
        "1234567890123", "123456789012", "12345678901234", "1234567890123\n", " 1234567890123",
        "١٢٣٤٥٦٧٨٩٠١٢٣", "¹234567890123", 1234567890123, "",
    ),
    ("legal_form",): (*v.LEGAL_FORMS, "PT", "bumn", " pt"),
    ("region_code",): ("11.17", "51.01", "99.99", "11", "11.17 ", "1117", 11.17),
    ("founded_year",): YEARS,
    ("employees",): (*_around(0), *_around(v.MAX_EMPLOYEES), 5.0, "5", True, False),
    ("annual_revenue_idr",): (*_around(0), *_around(v.MAX_REVENUE_IDR), 1e16, 10**17, "1"),
    ("owner_gender",): (*v.OWNER_GENDERS, "F", "Female"),
    ("owner_name",): _texts(0, v.OWNER_NAME_MAX_LENGTH),
    ("contact_email",): (
        "kopi@gayo.id", "a@localhost", "a@b", "a@b.c", "a@b.co", "@b.co", "a@", "a@@b.co", "a@b@c.co",
        "a.b@c.co", "a..b@c.co", ".a@c.co", "a@-b.co", "a@b-.co", "a@[1.2.3.4]", "a@[1.2.3.256]",
        '"a b"@c.co', '"a\\"b"@c.co', "ä@ü.de", "kopi@gayo.id ", "KOPI@GAYO.ID", "a@b.c0m", "a@b.123",
        "x" * 240 + "@gayo.co.id", "x" * 244 + "@gayo.co.id", "a\n@b.co", "a@b.co\n",
    ),
    ("contact_phone",): (
        "+62 812-3456-7890", "(021) 555 1234", "12345", "123456", "+" + "1" * 30, "1" * 30, "1" * 31,
        "+62 812\n", "++62812345", "62.812.345", "٦٢٨١٢٣٤٥٦٧",
    ),
    ("credit_status",): (*v.CREDIT_STATUSES, "lancar", "Current"),
    ("group",): ({}, {"kind": "sentra"}, {"members": 3}, {"kind": "sentra", "members": 3}),
    ("group", "kind"): (*v.GROUP_KINDS, "club", "Sentra"),
    ("group", "members"): (*_around(0), *_around(v.MAX_EMPLOYEES), 3.0, "3"),
    ("ovop_stars",): (*_around(0), *_around(v.MAX_OVOP_STARS)),
    ("products",): tuple([PRODUCT] * count for count in (0, 1, v.MAX_PRODUCTS, v.MAX_PRODUCTS + 1)),
    ("products", ITEM): ({}, {"description": "kopi"}, {"hs_code": "090111"}),
    ("products", ITEM, "description"): _texts(v.DESCRIPTION_MIN_LENGTH, v.DESCRIPTION_MAX_LENGTH),
    ("products", ITEM, "hs_code"): (
        "090111", "180100", "999999", "999998", "09011", "0901111", "0901", "090100", "٠٩٠١١١",
        "090111 ", "9011", 90111, "",
    ),
    ("products", ITEM, "monthly_capacity"): (
        *_around(0), -0.0, -1e-300, 0.5, *_around(v.MAX_CAPACITY), 1e12, 1e12 + 0.5, 10**400, 1e308,
        math.inf, -math.inf, math.nan, "12", " 12 ", "1e3", "1_000", "١٢", "nan", "inf", "-1", "", "0x10",
        True, False,
    ),
    ("products", ITEM, "capacity_unit"): (*v.CAPACITY_UNITS, "karung", "KG", "kg "),
    ("certifications",): tuple(
        [{"code": "HALAL"}] * count for count in (0, 1, v.MAX_CERTIFICATIONS, v.MAX_CERTIFICATIONS + 1)
    ),
    ("certifications", ITEM): ({}, {"code": "HALAL"}, {"valid_until": "2027-08-01"}),
    ("certifications", ITEM, "code"): ("HALAL", "NIB", "EUDR_GEO", "ISO9001", "halal", " HALAL"),
    ("certifications", ITEM, "valid_until"): (
        "2027-08-01", "20270801", "2027-W01-1", "2027W011", "2027-02-29", "2028-02-29", "2027-13-01",
        "2027-8-1", " 2027-08-01", "2027-08-01\n", "2027-08-01T00:00", "27-08-01", "next year", "0001-01-01",
        "9999-12-31", "2027-08", 20270801,
    ),
    ("export_history",): ({}, {"markets": []}, {"direct": True}),
    ("export_history", "direct"): BOOLEANS,
    ("export_history", "indirect"): BOOLEANS,
    ("export_history", "markets"): tuple(
        ["JP"] * count for count in (0, 1, v.MAX_EXPORT_MARKETS, v.MAX_EXPORT_MARKETS + 1)
    ),
    ("export_history", "markets", ITEM): COUNTRIES,
    ("export_history", "last_export_year"): YEARS,
    ("target_markets",): tuple(
        ["JP"] * count for count in (0, 1, v.MAX_TARGET_MARKETS, v.MAX_TARGET_MARKETS + 1)
    ),
    ("target_markets", ITEM): COUNTRIES,
    ("buyer_contract",): ({}, {"market": "JP"}),
    ("buyer_contract", "market"): COUNTRIES,
    ("practices",): ({}, {"email": True}),
    **{("practices", name): BOOLEANS for name in v.PRACTICE_FIELDS},
}  # fmt: skip
# Junk of every JSON type, for any field at any level.
JUNK = st.one_of(
    st.sampled_from(
        (
            None, True, False, 0, 1, -1, 2**31, 2**63, 10**20, -(10**20), 0.0, -0.0, 0.5, 1.0, 1e300,
            math.inf, math.nan, "", " ", "\t", "x" * 1000, "\x00", "a\x01b", "\ud800", "unknown", "null",
            "true", "1", [], [None], [1, "a"], ["JP"], {}, {"a": 1}, {"code": "HALAL"},
        )
    ),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=3)), max_size=3),
    st.dictionaries(
        st.text(max_size=6), st.one_of(st.none(), st.integers(), st.text(max_size=3)), max_size=2
    ),
)  # fmt: skip
UNKNOWN_KEYS = st.one_of(
    st.sampled_from(
        ("id", "Name", "hs_source", "hs_score", "website", "", " name", "name ", "kind", "_schema")
    ),
    st.text(max_size=8),
)
PATHS = sorted(SPECIFIC, key=str)


def _parent(profile: dict, path: tuple, index: int):
    """The container that holds the last step of path (created with valid values when absent)."""
    node = profile
    for depth, step in enumerate(path[:-1]):
        if step == ITEM:
            if not isinstance(node, list):
                return None
            if not node:
                node.append(copy.deepcopy(PARENTS[path[: depth + 1]]))
            node = node[index % len(node)]
            continue
        if not isinstance(node, dict):
            return None
        following = path[depth + 1]
        if following == ITEM and not isinstance(node.get(step), list):
            node[step] = []
        elif following != ITEM and not isinstance(node.get(step), dict):
            node[step] = copy.deepcopy(PARENTS[path[: depth + 1]])
        node = node[step]
    return node


def _apply(profile: dict, mutation: tuple) -> None:
    """Apply one (kind, path, index, key, value) mutation in place."""
    kind, path, index, key, value = mutation
    if kind == "unknown":
        container = _parent(profile, (*path, "?"), index) if path else profile
        if isinstance(container, dict):
            container[key] = value
        return
    container = _parent(profile, path, index)
    if isinstance(container, list) and not container:
        if kind == "set":
            container.append(value)
    elif isinstance(container, list):
        position = index % len(container)
        if kind == "delete":
            del container[position]
        else:
            container[position] = value
    elif isinstance(container, dict):
        if kind == "delete":
            container.pop(path[-1], None)
        else:
            container[path[-1]] = value


@st.composite
def mutations(draw) -> tuple:
    """One mutation from the table: delete a field, set it to a boundary or junk value, add an unknown key."""
    kind = draw(st.sampled_from(("set", "set", "set", "delete", "unknown")))
    index = draw(st.integers(0, 60))
    if kind == "unknown":
        return kind, draw(st.sampled_from(OBJECT_PATHS)), index, draw(UNKNOWN_KEYS), draw(JUNK)
    path = draw(st.sampled_from(PATHS))
    if kind == "delete":
        return kind, path, index, None, None
    specific = draw(st.integers(0, 3)) > 0  # three in four: the field's own boundary and near-miss values
    value = draw(st.sampled_from(SPECIFIC[path]) if specific else JUNK)
    return kind, path, index, None, copy.deepcopy(value)


def _canonical(value):
    """A comparable form of a loaded profile: bools and numbers kept apart, dates as ISO strings."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return ("number", "nan" if value != value else value)  # 20000 == 20000.0; no float overflow
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def _with_load_defaults(profile: dict) -> dict:
    """The fast result plus the defaults the schema's load adds (hs_code, certifications, target_markets)."""
    products = [{"hs_code": None, **product} for product in profile["products"]]
    return {"certifications": [], "target_markets": [], **profile, "products": products}


def _without_engine_keys(profile: dict) -> dict:
    """A strategies.py profile without hs_source/hs_score (engine-side keys the contract does not have)."""
    products = [
        {key: value for key, value in product.items() if not key.startswith("hs_s")}
        for product in profile["products"]
    ]
    return {**profile, "products": products}


SCHEMA = schema_validator()
BASES = st.one_of(st.sampled_from(DEMO), generated_profiles.map(_without_engine_keys))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=BASES, changes=st.lists(mutations(), min_size=0, max_size=3))
def test_the_compiled_validator_accepts_exactly_what_the_schema_accepts(base, changes):
    profile = copy.deepcopy(base)
    for mutation in changes:
        _apply(profile, mutation)
    before = copy.deepcopy(profile)
    fast, fast_errors = validate_profile(profile)
    loaded, schema_errors = SCHEMA(profile)
    assert (fast_errors == []) == (schema_errors == []), (fast_errors, schema_errors)
    assert _canonical(profile) == _canonical(before)  # the input is never changed
    if fast_errors:
        assert fast is None
        assert {path for path, _ in fast_errors} == {path for path, _ in schema_errors}
    else:
        assert _canonical(_with_load_defaults(fast)) == _canonical(loaded)
