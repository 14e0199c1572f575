"""What changed between two policies, in words: requirement entries, programme criteria, product classes
and parameters (weights, levels, size bands, windows, lots, margins, renewals)."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.web import labels

REQUIREMENT_FIELDS = (
    "requirement",
    "any_of",
    "selector",
    "selector_values",
    "scope",
    "markets",
    "size_classes",
    "severity",
    "valid_from",
    "valid_to",
    "closed_by",
    "family",
    "region_match",
)
PARAMETER_FIELDS = (
    "weights",
    "level_bands",
    "level_cap",
    "size_bands",
    "upcoming_window_months",
    "unit_bases",
    "export_lots",
    "recent_export_months",
    "review_margin",
    "hs_score_threshold",
    "renewals",
    "what_if_limits",
)

# What a changed field or parameter is called in a sentence (the code stays in the item's `field` / `id`).
FIELD_WORDS = {
    "requirement": _l("the certificate required"),
    "any_of": _l("the certificates that meet it"),
    "selector": _l("how products are chosen"),
    "selector_values": _l("the products it covers"),
    "scope": _l("whether it applies per product or per business"),
    "markets": _l("the markets"),
    "size_classes": _l("the size classes"),
    "severity": _l("the severity"),
    "valid_from": _l("the start date"),
    "valid_to": _l("the end date"),
    "closed_by": _l("what closes the gap"),
    "family": _l("the group of entries giving one gap"),
    "region_match": _l("the region rule"),
    "terms": _l("the terms"),
    "hs": _l("the HS codes"),
    "class": _l("the class details"),
    "points": _l("the points"),
    "value": _l("the value"),
    "from": _l("the start dates"),
    "weights": _l("the dimension weights"),
    "level_bands": _l("the readiness level bands"),
    "level_cap": _l("the level cap"),
    "size_bands": _l("the size class bands (annual revenue)"),
    "upcoming_window_months": _l("the months a coming requirement is shown ahead"),
    "unit_bases": _l("the unit conversions"),
    "export_lots": _l("the export lot sizes"),
    "recent_export_months": _l("the months an export counts as recent"),
    "review_margin": _l("the review margin around a level boundary"),
    "hs_score_threshold": _l("the HS classifier's confidence threshold"),
    "renewals": _l("the renewal windows"),
    "what_if_limits": _l("the what-if limits"),
}


def field_words(field: str) -> str:
    """A field's or parameter's name in words in the reader's language (its code when none is known)."""
    return str(FIELD_WORDS.get(field, field))


def words(value) -> str:
    """A value as a reader sees it: lists joined, sets sorted, nothing as "—"."""
    if value is None or value == "" or value == () or value == {}:
        return "—"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return ", ".join(sorted(map(str, value)))
    if isinstance(value, tuple | list):
        return ", ".join(words(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {words(item)}" for key, item in value.items())
    if hasattr(value, "__dataclass_fields__"):
        return words({field.name: getattr(value, field.name) for field in fields(value)})
    return str(value)


def _item(kind: str, name: str, change: str, text: str, field=None, old=None, new=None) -> dict:
    return {
        "kind": kind,
        "id": name,
        "change": change,
        "field": field,
        "from": None if old is None else words(old),
        "to": None if new is None else words(new),
        "text": text,
    }


def _changed(kind: str, name: str, label: str, field: str, old, new) -> dict:
    text = _(
        "%(label)s: %(field)s changes from %(old)s to %(new)s.",
        label=label,
        field=field_words(field),
        old=words(old),
        new=words(new),
    )
    return _item(kind, name, "changed", text, field, old, new)


def _requirements(a, b) -> list[dict]:
    before = {entry.id: entry for entry in a.requirements}
    after = {entry.id: entry for entry in b.requirements}
    found = []
    for entry_id in sorted(before.keys() - after.keys()):
        entry = before[entry_id]
        text = _(
            "Requirement entry %(id)s (%(name)s) is removed.",
            id=entry_id,
            name=labels.certificate_name(entry.requirement),
        )
        found.append(_item("requirement", entry_id, "removed", text))
    for entry_id in sorted(after.keys() - before.keys()):
        entry = after[entry_id]
        text = _(
            "Requirement entry %(id)s (%(name)s) is added: %(severity)s, markets %(markets)s, size classes "
            "%(sizes)s, from %(start)s.",
            id=entry_id,
            name=labels.certificate_name(entry.requirement),
            severity=labels.word(labels.SEVERITIES, entry.severity),
            markets=labels.countries_words(sorted(entry.markets)) if entry.markets is not None else _("all"),
            sizes=", ".join(labels.word(labels.SIZE_CLASSES, size) for size in sorted(entry.size_classes))
            if entry.size_classes is not None
            else _("all"),
            start=labels.date_words(entry.valid_from) if entry.valid_from else "—",
        )
        found.append(_item("requirement", entry_id, "added", text))
    for entry_id in sorted(before.keys() & after.keys()):
        label = _("Requirement entry %(id)s", id=entry_id)
        for field in REQUIREMENT_FIELDS:
            old, new = getattr(before[entry_id], field), getattr(after[entry_id], field)
            if old != new:
                found.append(_changed("requirement", entry_id, label, field, old, new))
    return found


def _programmes(a, b) -> list[dict]:
    before = {programme.code: programme for programme in a.programmes}
    after = {programme.code: programme for programme in b.programmes}
    found = []
    for code in sorted(before.keys() - after.keys()):
        found.append(_item("programme", code, "removed", _("Programme %(code)s is removed.", code=code)))
    for code in sorted(after.keys() - before.keys()):
        found.append(_item("programme", code, "added", _("Programme %(code)s is added.", code=code)))
    for code in sorted(before.keys() & after.keys()):
        old, new = before[code], after[code]
        for field in ("valid_from", "valid_to", "terms"):
            if getattr(old, field) != getattr(new, field):
                label = _("Programme %(code)s", code=code)
                found.append(
                    _changed("programme", code, label, field, getattr(old, field), getattr(new, field))
                )
        old_criteria = {criterion.name: criterion for criterion in old.criteria}
        new_criteria = {criterion.name: criterion for criterion in new.criteria}
        for name in sorted(old_criteria.keys() - new_criteria.keys()):
            text = _("Criterion %(code)s.%(name)s is removed.", code=code, name=name)
            found.append(_item("criterion", f"{code}.{name}", "removed", text))
        for name in sorted(new_criteria.keys() - old_criteria.keys()):
            text = _(
                "Criterion %(code)s.%(name)s is added: %(required)s.",
                code=code,
                name=name,
                required=new_criteria[name].required_text(),
            )
            found.append(_item("criterion", f"{code}.{name}", "added", text))
        for name in sorted(old_criteria.keys() & new_criteria.keys()):
            was, now = old_criteria[name], new_criteria[name]
            if (was.rule, was.params) != (now.rule, now.params):
                old_text, new_text = was.required_text(), now.required_text()
                if old_text == new_text:  # the sentence does not show the parameter that changed
                    old_text, new_text = words(was.params), words(now.params)
                text = _(
                    "Criterion %(code)s.%(name)s changes from “%(old)s” to “%(new)s”.",
                    code=code,
                    name=name,
                    old=old_text,
                    new=new_text,
                )
                found.append(
                    _item("criterion", f"{code}.{name}", "changed", text, "rule", was.params, now.params)
                )
    return found


def _classes(a, b) -> list[dict]:
    def prefixes(policy) -> dict[str, tuple]:
        grouped: dict[str, list] = {}
        for prefix, product_class in policy.class_index.items():
            grouped.setdefault(product_class.name, [product_class]).append(prefix)
        return {name: (items[0], tuple(sorted(items[1:]))) for name, items in grouped.items()}

    before, after = prefixes(a), prefixes(b)
    found = []
    for name in sorted(before.keys() - after.keys()):
        text = _("Product class %(name)s is removed (its products become other).", name=name)
        found.append(_item("product_class", name, "removed", text))
    for name in sorted(after.keys() - before.keys()):
        text = _("Product class %(name)s is added: HS %(codes)s.", name=name, codes=words(after[name][1]))
        found.append(_item("product_class", name, "added", text))
    for name in sorted(before.keys() & after.keys()):
        label = _("Product class %(name)s", name=name)
        if before[name][1] != after[name][1]:
            found.append(_changed("product_class", name, label, "hs", before[name][1], after[name][1]))
        if before[name][0] != after[name][0]:
            found.append(_changed("product_class", name, label, "class", before[name][0], after[name][0]))
    return found


def _quality_items(a, b) -> list[dict]:
    before = {item.name: item for item in a.quality_items}
    after = {item.name: item for item in b.quality_items}
    found = []
    for name in sorted(before.keys() - after.keys()):
        text = _("Quality item %(name)s is removed.", name=name)
        found.append(_item("parameter", f"quality.{name}", "removed", text))
    for name in sorted(after.keys() - before.keys()):
        item = after[name]
        text = _(
            "Quality item %(name)s is added: %(codes)s, %(points)s points.",
            name=name,
            codes=words(item.any_of),
            points=words(item.points),
        )
        found.append(_item("parameter", f"quality.{name}", "added", text))
    for name in sorted(before.keys() & after.keys()):
        label = _("Quality item %(name)s", name=name)
        for field in ("any_of", "points", "selector", "selector_values"):
            old, new = getattr(before[name], field), getattr(after[name], field)
            if old != new:
                found.append(_changed("parameter", f"quality.{name}", label, field, old, new))
    return found


def _parameters(a, b) -> list[dict]:
    found = _quality_items(a, b)
    for field in PARAMETER_FIELDS:
        old, new = getattr(a, field), getattr(b, field)
        if old != new:
            label = _("Parameter “%(name)s”", name=field_words(field))
            found.append(_changed("parameter", field, label, "value", old, new))
    old_dates = [start for start, _fields in a.parameter_versions]
    new_dates = [start for start, _fields in b.parameter_versions]
    if old_dates != new_dates:
        label = _("Dated parameters")
        found.append(_changed("parameter", "parameter_versions", label, "from", old_dates, new_dates))
    return found


def policy_diff(a, b) -> list[dict]:
    """The differences from policy a to b, each with a sentence (entries, criteria, classes, values)."""
    return [*_requirements(a, b), *_programmes(a, b), *_classes(a, b), *_parameters(a, b)]
