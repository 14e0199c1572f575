"""Words the pages show for engine codes, numbers and dates, in the reader's language (Flask-Babel).

Every code a page shows goes through this module: levels, routes, statuses, severities, certificates (name
and one line on what it is), countries (Babel's locale data), criteria as sentences, what-if actions, and
marshmallow's validation messages (translated here, in one place). Templates reach it as `labels`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache

from babel import Locale
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import reference

LEVELS = {
    "not_ready": _l("Not ready"),
    "developing": _l("Developing"),
    "ready_with_support": _l("Ready with support"),
    "export_ready": _l("Export ready"),
}
ROUTES = {
    "financial": _l("LPEI export financing"),
    "non_financial": _l("LPEI coaching (non-financial) programmes"),
}
SEVERITIES = {
    "blocking": _l("Required — blocks sales"),
    "upcoming": _l("Required soon"),
    "major": _l("Important — buyers usually ask"),
    "minor": _l("Procedural"),
    "opportunity": _l("Opportunity — better price or access"),
}
PROGRAMME_RESULTS = {
    "eligible": _l("Eligible"),
    "ineligible": _l("Not eligible yet"),
    "needs_information": _l("More information needed"),
}
PROGRAMME_TYPES = {"financial": _l("financing"), "non_financial": _l("coaching")}
OUTCOMES = {"pass": _l("Met"), "fail": _l("Not met"), "unknown": _l("Unknown")}
DIMENSIONS = {
    "compliance": _l("Compliance"),
    "capacity": _l("Capacity"),
    "quality": _l("Quality"),
    "management": _l("Management"),
    "market": _l("Market"),
    "digital": _l("Digital"),
}
STATUSES = {
    "open": _l("Open"),
    "all": _l("All"),
    "submitted": _l("Submitted"),
    "in_review": _l("In review"),
    "approved": _l("Approved"),
    "referred": _l("Referred"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}
ROLES = {
    "owner": _l("IKM owner"),
    "district": _l("District officer"),
    "province": _l("Province officer"),
    "advisor": _l("LPEI advisor"),
    "supervisor": _l("LPEI supervisor"),
    "ministry": _l("Ministry"),
    "admin": _l("Administrator"),
}
COMMODITIES = {
    "coffee": _l("Coffee"),
    "cocoa": _l("Cocoa"),
    "spices": _l("Spices"),
    "crafts": _l("Crafts"),
    "other": _l("Other"),
}
SIZE_CLASSES = {"micro": _l("micro"), "small": _l("small"), "medium": _l("medium"), "large": _l("large")}
LEGAL_FORMS = {
    "perorangan": _l("Sole proprietor"),
    "ud": _l("UD (trading business)"),
    "cv": _l("CV (limited partnership)"),
    "pt": _l("PT (limited company)"),
    "koperasi": _l("Cooperative"),
    "kelompok": _l("Group"),
}
GENDERS = {"female": _l("Female"), "male": _l("Male"), "undisclosed": _l("Not stated")}
CREDIT_STATUSES = {
    "current": _l("current (paid on time)"),
    "special_mention": _l("special mention (late up to 90 days)"),
    "substandard": _l("substandard"),
    "doubtful": _l("doubtful"),
    "loss": _l("loss"),
    "none": _l("no loans"),
}
GROUP_KINDS = {
    "sentra": _l("Production centre (sentra)"),
    "cooperative": _l("Cooperative"),
    "village": _l("Village"),
}
CAPACITY_UNITS = {
    "kg": _l("kg"),
    "ton": _l("tonnes"),
    "pcs": _l("pieces"),
    "set": _l("sets"),
    "m": _l("metres"),
    "m2": _l("square metres"),
    "litre": _l("litres"),
    "dozen": _l("dozen"),
    "kodi": _l("kodi (20 pieces)"),
}
PRACTICES = {
    "bookkeeping": _l("Bookkeeping"),
    "bank_account": _l("Business bank account"),
    "email": _l("Business e-mail"),
    "website": _l("Website"),
    "marketplace": _l("Marketplace shop"),
}
# What each certificate is and where to get it (names come from data/policy/certifications.yaml).
CERTIFICATE_ABOUT = {
    "NIB": _l("Business identification number; register free of charge at oss.go.id."),
    "NPWP": _l("Tax number of the business; register at the tax office or online at pajak.go.id."),
    "PIRT": _l("Permit for home-industry food, issued by the district health office (Dinas Kesehatan)."),
    "BPOM_MD": _l("Food registration for medium and large producers, applied for at BPOM."),
    "HALAL": _l(
        "Halal certificate from BPJPH; apply at ptsp.halal.go.id (free self-declare for micro firms)."
    ),
    "SNI": _l("Indonesian national standard mark for the product, certified by an accredited body (BSN)."),
    "HACCP": _l("Food safety system (HACCP / good manufacturing practice), audited by a certification body."),
    "ISO22000": _l("International food safety management standard, audited by a certification body."),
    "ORGANIC": _l("Organic certificate from an accredited organic certification body."),
    "FAIRTRADE": _l("Fairtrade certificate for producer organisations (FLOCERT)."),
    "RAINFOREST": _l("Rainforest Alliance certificate for sustainable farming."),
    "GI": _l("Registered geographical indication of the product's origin, at DJKI."),
    "SVLK": _l("Timber legality certificate (SVLK / V-Legal document) for wood products."),
    "EUDR_GEO": _l("Map coordinates of the farms and traceability records, needed to sell in the EU."),
    "FDA_FFR": _l("Registration of the food facility with the US FDA, free of charge online."),
    "GACC": _l("Registration of the food producer with China's customs (GACC, CIFER system)."),
    "LAB_OTA": _l("Laboratory test for ochratoxin A (a mould toxin) in coffee and spices, for the EU."),
    "LAB_CADMIUM": _l("Laboratory test for cadmium in cocoa products, for the EU."),
    "LAB_AFLATOXIN": _l("Laboratory test for aflatoxin (a mould toxin) in nuts and spices, for Japan."),
    "REACH_METALS": _l("Laboratory report on lead and nickel in metal parts, for the EU (REACH)."),
    "EXPORT_TRAINING": _l(
        "An export training or coaching programme completed (e.g. LPEI, Ministry of Trade)."
    ),
}
FIELDS = {
    "name": _l("Business name"),
    "nib": _l("NIB"),
    "legal_form": _l("Legal form"),
    "region_code": _l("District"),
    "kecamatan_code": _l("Kecamatan"),
    "founded_year": _l("Year founded"),
    "employees": _l("Employees"),
    "annual_revenue_idr": _l("Annual revenue (Rp)"),
    "owner_gender": _l("Owner's gender"),
    "credit_status": _l("Credit status (SLIK)"),
    "group": _l("Group"),
    "ovop_stars": _l("OVOP stars"),
    "products": _l("Products"),
    "description": _l("Product description"),
    "hs_code": _l("HS code"),
    "monthly_capacity": _l("Monthly capacity"),
    "capacity_unit": _l("Unit"),
    "certifications": _l("Certificates"),
    "valid_until": _l("Valid until"),
    "target_markets": _l("Target markets"),
    "buyer_contract": _l("Buyer contract"),
    "export_history": _l("Export history"),
    "last_export_year": _l("Last export year"),
    "markets": _l("Markets"),
    "market": _l("Market"),
    "practices": _l("Business practices"),
    "members": _l("Members"),
    "kind": _l("Group kind"),
    "as_of": _l("Assessment date"),
    "email": _l("E-mail"),
}


# --- numbers, money, dates ------------------------------------------------------------------------------


def locale_code() -> str:
    """The language of this request ('id' or 'en')."""
    return str(get_locale() or "id")


def number(value) -> str:
    """A number in the reader's format ('20.000' in Indonesian, '20,000' in English)."""
    if value is None or value == "":
        return "—"
    return format_decimal(value)


def money(value) -> str:
    """Rupiah without decimals: 'Rp4.200.000.000'."""
    if value is None:
        return "—"
    return f"Rp{format_decimal(value, format='#,##0')}"


def as_date(value) -> date | None:
    """A date from a date, a datetime or an ISO string (None when empty or unreadable)."""
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def date_words(value) -> str:
    """'30 Desember 2026' / 'December 30, 2026'."""
    day = as_date(value)
    return format_date(day, "long") if day else "—"


def datetime_words(value) -> str:
    """A moment in the reader's format with the time zone ('30 Des 2026 18.50 WIB')."""
    if value is None:
        return "—"
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return format_datetime(moment, "d MMM y HH:mm zzz")


def days_words(days: int | None) -> str:
    """'31 days left', 'today', '3 days ago'."""
    if days is None:
        return ""
    if days == 0:
        return _("today")
    if days > 0:
        return ngettext("%(num)d day left", "%(num)d days left", days)
    return ngettext("%(num)d day ago", "%(num)d days ago", -days)


def deadline_words(applies_from, days_left: int | None) -> str:
    """'applies from 30 December 2026 — 31 days left'."""
    if not applies_from:
        return _("in force now")
    text = _("applies from %(date)s", date=date_words(applies_from))
    return f"{text} — {days_words(days_left)}" if days_left is not None else text


# --- codes as words -------------------------------------------------------------------------------------


def word(mapping: dict, code) -> str:
    """The word for a code in one of the dictionaries above (the code itself when unknown)."""
    if code is None:
        return "—"
    return str(mapping.get(code, code))


@cache
def _territories(locale: str) -> dict[str, str]:
    """Babel's country names for a locale (read once per process)."""
    return dict(Locale.parse(locale).territories)


def _certificates() -> dict[str, dict[str, str]]:
    """The certificate names of the app's policy (already in memory; POLICY_DIR decides)."""
    return reference.certification_names()


def country_name(code: str | None) -> str:
    """A country's name in the reader's language from Babel's locale data ('Jerman' / 'Germany')."""
    if not code:
        return "—"
    return _territories(locale_code()).get(code.upper(), code)


def countries_words(codes) -> str:
    """A list of ISO codes as country names."""
    return ", ".join(country_name(code) for code in codes or ()) or "—"


def certificate_name(code: str) -> str:
    """A certificate's name in the reader's language."""
    names = _certificates().get(code)
    if not names:
        return code
    return names["name_id"] if locale_code() == "id" else names["name_en"]


def certificate_about(code: str) -> str:
    """One line on what the certificate is and where to get it."""
    return str(CERTIFICATE_ABOUT.get(code, ""))


def pick(message: str) -> str:
    """The reader's half of an 'Indonesian. / English.' message (the whole message when not a pair)."""
    if " / " not in message:
        return message
    indonesian, english = message.split(" / ", 1)
    return indonesian if locale_code() == "id" else english


# --- validation messages --------------------------------------------------------------------------------


def _range(low: str, high: str) -> str:
    return _("Must be between %(low)s and %(high)s.", low=_maybe_number(low), high=_maybe_number(high))


def _maybe_number(text: str) -> str:
    """'1000000' → '1.000.000' in Indonesian; non-numbers unchanged."""
    try:
        return number(float(text) if "." in text else int(text))
    except ValueError:
        return text


MESSAGES = [
    (re.compile(r"^Missing data for required field\.$"), lambda m: _("Required.")),
    (re.compile(r"^Field may not be null\.$"), lambda m: _("Required.")),
    (re.compile(r"^Not a valid integer\.$"), lambda m: _("Must be a whole number, e.g. 14.")),
    (re.compile(r"^Not a valid number\.$"), lambda m: _("Must be a number.")),
    (re.compile(r"^Not a valid date\.$"), lambda m: _("Not a valid date.")),
    (re.compile(r"^Must be one of: .*"), lambda m: _("Choose one of the options offered.")),
    (
        re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
        lambda m: _range(m.group(1), m.group(2)),
    ),
    (
        re.compile(r"^Must be greater than or equal to (\S+)\.$"),
        lambda m: _("Must be at least %(low)s.", low=_maybe_number(m.group(1))),
    ),
    (
        re.compile(r"^Must be less than or equal to (\S+)\.$"),
        lambda m: _("Must be at most %(high)s.", high=_maybe_number(m.group(1))),
    ),
    (
        re.compile(r"^Shorter than minimum length (\d+)\.$"),
        lambda m: _("Too short (at least %(num)s characters).", num=m.group(1)),
    ),
    (
        re.compile(r"^Longer than maximum length (\d+)\.$"),
        lambda m: _("Too long (at most %(num)s characters).", num=m.group(1)),
    ),
    (
        re.compile(r"^Length must be between (\d+) and (\d+)\.$"),
        lambda m: _("Give between %(low)s and %(high)s entries.", low=m.group(1), high=m.group(2)),
    ),
    (re.compile(r"^Not a valid email address\.$"), lambda m: _("Not a valid e-mail address.")),
    (re.compile(r"^Unknown field\.$"), lambda m: _("Unknown field.")),
]
# Messages that read better said for their field.
FIELD_MESSAGES = {
    ("products", "Length must be between"): _l("Describe at least one product."),
    ("target_markets", "Length must be between"): _l("Choose at most 30 target markets."),
}


def translate_message(message: str, path: str = "") -> str:
    """A marshmallow (or bilingual schema) message in the reader's language — the one place that does it."""
    for (field, start), words in FIELD_MESSAGES.items():
        if path == field and message.startswith(start):
            return str(words)
    if " / " in message:
        return pick(message)
    for pattern, words in MESSAGES:
        match = pattern.match(message)
        if match:
            return words(match)
    return message


def field_label(path: str) -> str:
    """'products.0.description' → 'Products 1 — Product description'."""
    words: list[str] = []
    for part in path.split("."):
        if part.isdigit() and words:
            words[-1] = f"{words[-1]} {int(part) + 1}"
            continue
        words.append(word(FIELDS, part) if part != "_schema" else _("Form"))
    return " — ".join(words)


def flatten_errors(messages, prefix: str = "") -> dict[str, str]:
    """marshmallow's nested error messages as {dotted path: message in the reader's language}."""
    flat: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            flat.update(flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        flat[prefix or "_schema"] = " ".join(translate_message(item, prefix) for item in messages)
    elif isinstance(messages, list):
        for item in messages:
            flat.update(flatten_errors(item, prefix))
    else:
        flat[prefix or "_schema"] = translate_message(str(messages), prefix)
    return flat


# --- criteria and what-if as sentences ------------------------------------------------------------------


def _first_number(text: str, default: str = "") -> str:
    found = re.findall(r"\d+", text or "")
    return found[0] if found else default


def _yes_no(value) -> str:
    return _("yes") if value else _("no")


def _value_words(value) -> str:
    """Any actual value as words (never a Python repr)."""
    if value is None:
        return _("not given")
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, list | tuple):
        return ", ".join(_value_words(item) for item in value) or _("none")
    if isinstance(value, dict):
        return "; ".join(f"{word(FIELDS, key)}: {_value_words(item)}" for key, item in value.items())
    text = str(value)
    if len(text) == 2 and text.isupper():
        return country_name(text)
    return word({**CREDIT_STATUSES, **SIZE_CLASSES, **GROUP_KINDS}, text)


def _gap_words(item: str) -> str:
    """A gap as the engine lists it ('EUDR_GEO (upcoming)') in words: the requirement's name and severity."""
    found = re.fullmatch(r"([A-Z0-9_]+) \((\w+)\)", item)
    if not found:
        return word(SEVERITIES, item)
    return f"{certificate_name(found[1])} ({word(SEVERITIES, found[2])})"


def _allowed_words(required: str, mapping: dict) -> str:
    codes = re.split(r",\s*", required.split(":", 1)[-1].replace("one of", "").replace("none of", ""))
    return ", ".join(word(mapping, code.strip()) for code in codes if code.strip())


def _years(actual, required, criterion) -> str:
    if actual is None:
        return _(
            "Year founded not given — at least %(min)s years in business required",
            min=_first_number(required),
        )
    return _(
        "In business for %(years)s years — at least %(min)s years required",
        years=number(actual),
        min=_first_number(required),
    )


def _credit(actual, required, criterion) -> str:
    allowed = _allowed_words(required, CREDIT_STATUSES)
    if required.startswith("none of"):
        return _(
            "Credit status: %(actual)s — must not be %(allowed)s",
            actual=_value_words(actual),
            allowed=allowed,
        )
    return _("Credit status: %(actual)s — must be %(allowed)s", actual=_value_words(actual), allowed=allowed)


def _readiness(actual, required, criterion) -> str:
    if "-" in required:
        low, high = re.findall(r"\d+", required)[:2]
        return _(
            "Readiness score %(score)s — between %(low)s and %(high)s required",
            score=actual,
            low=low,
            high=high,
        )
    return _(
        "Readiness score %(score)s — at least %(min)s required", score=actual, min=_first_number(required)
    )


def _export_oriented(actual, required, criterion) -> str:
    actual = actual or {}
    return _(
        "Exported directly: %(direct)s; through a trader: %(indirect)s; readiness %(score)s — "
        "needs an export (direct or through a trader) or a readiness score of at least %(min)s",
        direct=_yes_no(actual.get("direct")),
        indirect=_yes_no(actual.get("indirect")),
        score=actual.get("score", "—"),
        min=_first_number(required, "60"),
    )


def _buyer_market(actual, required, criterion) -> str:
    if isinstance(actual, str):
        actual = {"market": actual, "blocking_gaps": criterion.get("outcome") == "fail"}
    actual = actual or {}
    if not actual.get("market"):
        return _("No buyer contract — the buyer's market must have no blocking gap")
    if actual.get("blocking_gaps"):
        return _(
            "The buyer's market %(market)s has blocking gaps — none are allowed there",
            market=country_name(actual["market"]),
        )
    return _("The buyer's market %(market)s has no blocking gap", market=country_name(actual["market"]))


def _recent_export(actual, required, criterion) -> str:
    actual = actual or {}
    last, buyer = actual.get("last_export_year"), actual.get("buyer_contract")
    return _(
        "Last export: %(last)s; buyer contract in: %(market)s — needs an export in the last 24 months "
        "or a buyer contract",
        last=str(last) if last else _("none"),
        market=country_name(buyer) if buyer else _("none"),
    )


def _not_exported_directly(actual, required, criterion) -> str:
    actual = actual or {}
    last = actual.get("last_export_year")
    return _(
        "Exported directly: %(direct)s (last export: %(last)s) — for businesses without a direct export "
        "in the last 24 months",
        direct=_yes_no(actual.get("direct")),
        last=str(last) if last else _("none"),
    )


def _group(actual, required, criterion) -> str:
    actual = actual or {}
    if not actual.get("kind"):
        return _("Not in a group — member of a production centre, cooperative or village group required")
    return _(
        "%(kind)s with %(members)s members — member of a production centre, cooperative or village group "
        "with at least %(min)s units",
        kind=word(GROUP_KINDS, actual.get("kind")),
        members=_value_words(actual.get("members")),
        min=_first_number(required, "5"),
    )


def _markets_clear(actual, required, criterion) -> str:
    return _(
        "Export markets without blocking gaps: %(markets)s — at least one is required",
        markets=countries_words(actual) if actual else _("none"),
    )


def _contract(actual, required, criterion) -> str:
    return _(
        "Buyer contract in: %(market)s — a buyer contract, purchase order or LC is required",
        market=country_name(actual) if actual else _("none"),
    )


def _no_contract(actual, required, criterion) -> str:
    return _(
        "Buyer contract in: %(market)s — this programme is for businesses still looking for a buyer",
        market=country_name(actual) if actual else _("none"),
    )


CRITERIA = {
    "nib": lambda actual, required, criterion: (
        _("Holds an NIB")
        if criterion.get("outcome") == "pass"
        else _("No valid NIB yet — an NIB is required")
    ),
    "years_in_business": _years,
    "continuity": _years,
    "credit_status": _credit,
    "credit_performing_two_years": _credit,
    "umkm_size": lambda actual, required, criterion: _(
        "Business size: %(actual)s — must be %(allowed)s",
        actual=_value_words(actual),
        allowed=_allowed_words(required, SIZE_CLASSES),
    ),
    "readiness": _readiness,
    "export_oriented": _export_oriented,
    "target_market_without_blocking_gaps": _markets_clear,
    "export_justification": _contract,
    "buyer_contract": _contract,
    "no_buyer_contract": _no_contract,
    "buyer_market_without_blocking_gaps": _buyer_market,
    "recent_export_or_buyer_contract": _recent_export,
    "not_exported_directly_recently": _not_exported_directly,
    "gap_closable_by_certificate": lambda actual, required, criterion: _(
        "Gaps a certificate can close: %(found)s — at least one required, required-soon or important gap",
        found=", ".join(_gap_words(item) for item in actual or ()) or _("none"),
    ),
    "own_product": lambda actual, required, criterion: _(
        "Own products: %(count)s — an own product is required", count=_value_words(actual)
    ),
    "producer_group": _group,
    "raw_or_semi_processed_commodity": lambda actual, required, criterion: _(
        "Products with HS %(codes)s — a raw food product is required", codes=_value_words(actual)
    ),
}


def criterion_sentence(criterion: dict) -> str:
    """A programme criterion as a sentence: what the business has, then what is required."""
    name, actual, required = (
        criterion.get("name"),
        criterion.get("actual"),
        str(criterion.get("required") or ""),
    )
    says = CRITERIA.get(name)
    if says is not None:
        try:
            return says(actual, required, criterion)
        except (AttributeError, TypeError, ValueError, KeyError):
            pass  # an unexpected shape of `actual`: said generically below, never as a Python repr
    return f"{str(name).replace('_', ' ').capitalize()}: {_value_words(actual)} — {required}"


def action_words(action: dict, products: list[dict]) -> str:
    """A what-if action as a sentence, products named by their description."""
    kind, code = action.get("kind"), action.get("code")
    if kind == "obtain_certificate":
        return _("Obtain %(name)s", name=certificate_name(code))
    if kind == "complete_export_training":
        return _("Complete an export training or coaching programme")
    if kind == "reach_export_lot":
        index = action.get("product_index") or 0
        product = products[index]["description"] if index < len(products) else _("your product")
        return _(
            "Raise the capacity of “%(product)s” to %(amount)s %(unit)s a month",
            product=product,
            amount=number(action.get("amount")),
            unit=word(CAPACITY_UNITS, action.get("unit")),
        )
    if kind == "get_buyer_contract":
        return _("Get a buyer contract in %(country)s", country=country_name(action.get("market")))
    if kind == "adopt_practice":
        return _("Start: %(practice)s", practice=word(PRACTICES, code))
    return str(action.get("label_en") or kind)


def bilingual(item: dict) -> str:
    """A bilingual list entry (label_id, label_en) in the reader's language (its code when unlabelled)."""
    return item.get("label_id" if locale_code() == "id" else "label_en", item["code"])


def reason_name(code: str) -> str:
    """A decision, withdrawal or override reason code in the reader's language."""
    from app.services.cases import reason_label

    return bilingual(reason_label(code))


def programme_name(code: str) -> str:
    """An LPEI programme's name in the reader's language (a certificate's name for certificate codes)."""
    from flask import current_app

    for programme in current_app.extensions["policy"].programmes:
        if programme.code == code:
            return programme.name_id if locale_code() == "id" else programme.name_en
    return certificate_name(code)


# The triage model's features (app/ml/triage_features.py) as words; prefixed families are said below.
TRIAGE_FACTORS = {
    "readiness_score": _l("readiness score"),
    "financial_programmes_eligible": _l("financing programmes the business is eligible for"),
    "non_financial_programmes_eligible": _l("coaching programmes the business is eligible for"),
    "programmes_needing_information": _l("programmes still needing information"),
    "route_financial": _l("the engine routes it to financing"),
    "rules_review_required": _l("the rules ask for a review"),
    "years_in_business": _l("years in business"),
    "years_in_business_unknown": _l("year founded unknown"),
    "log_employees": _l("number of employees"),
    "log_annual_revenue": _l("annual revenue"),
    "credit_current": _l("credit paid on time"),
    "credit_none": _l("no loans"),
    "credit_special_mention": _l("credit under special mention"),
    "credit_bad": _l("bad credit history"),
    "exported_directly": _l("has exported directly"),
    "exported_indirectly": _l("has exported through a trader"),
    "buyer_contract": _l("has a buyer contract"),
    "target_markets": _l("number of target markets"),
    "certifications": _l("number of certificates"),
    "ovop_stars": _l("OVOP stars"),
    "group_member": _l("member of a group"),
    "practices": _l("business practices in place"),
}


def triage_factor(feature: str) -> str:
    """A triage feature as words ('dimension_market' → 'Market score')."""
    if feature in TRIAGE_FACTORS:
        return str(TRIAGE_FACTORS[feature])
    family, _sep, code = feature.partition("_")
    if family == "dimension":
        return _("%(dimension)s score", dimension=word(DIMENSIONS, code))
    if family == "size":
        return _("business size %(size)s", size=word(SIZE_CLASSES, code))
    if family == "gaps":
        return _("gaps: %(severity)s", severity=word(SEVERITIES, code))
    if family == "commodity":
        return _("commodity %(commodity)s", commodity=word(COMMODITIES, code))
    return feature.replace("_", " ")


def percent(share) -> str:
    """A share 0–1 as a percentage in the reader's format ('12,5 %' / '12.5%')."""
    if share is None:
        return "—"
    return format_percent(share, format="#,##0.#%")


def region_name(code: str | None) -> str:
    """'11.17' → 'Kabupaten Bener Meriah' (the code itself when unknown)."""
    if not code:
        return "—"
    return reference.region_names().get(code, code)
