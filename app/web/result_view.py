"""An assessment arranged for people: summary and next steps, business-wide gaps once, gaps per market,
relevant what-if, programmes with their criteria as sentences (shared by the owner's and advisor's pages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.engine.policy import SEVERITY_ORDER
from app.web import labels

# Certificate kinds that only matter for food products (a pandan bag maker needs no ochratoxin test).
FOOD_KINDS = {
    "food_permit",
    "food",
    "food_safety",
    "market_test_eu",
    "market_test_jp",
    "market_us",
    "market_cn",
}
NEXT_STEPS = 3


@dataclass
class Gap:
    """One requirement missing in one market, for one or more products."""

    requirement: str
    severity: str
    applies_from: str | None
    days_left: int | None
    products: list[str] = field(default_factory=list)
    closed_by: list[str] = field(default_factory=list)
    expired_on: date | None = None

    @property
    def name(self) -> str:
        """The certificate's name in the reader's language."""
        return labels.certificate_name(self.requirement)

    @property
    def about(self) -> str:
        """One line on what it is and where to get it."""
        return labels.certificate_about(self.requirement)

    @property
    def deadline(self) -> str:
        """When it applies, in words."""
        return labels.deadline_words(self.applies_from, self.days_left)


def _severity_rank(gap: Gap) -> tuple:
    return (
        SEVERITY_ORDER.index(gap.severity),
        gap.days_left if gap.days_left is not None else -1,
        gap.requirement,
    )


def expired_certificates(profile: dict | None, as_of) -> dict[str, date]:
    """Certificates in the profile whose `valid_until` is before the assessment date."""
    as_of = labels.as_date(as_of)
    expired = {}
    for item in (profile or {}).get("certifications") or ():
        until = labels.as_date(item.get("valid_until"))
        if until and as_of and until < as_of:
            expired[item["code"]] = until
    return expired


def _products_named(assessment: dict) -> dict[str, str]:
    return {
        product.get("hs_code"): product.get("description") for product in assessment.get("products") or ()
    }


def arrange_gaps(assessment: dict, expired: dict[str, date]) -> tuple[list[Gap], list[tuple[str, list[Gap]]]]:
    """(business-wide gaps shown once, [(market, gaps)] export markets first, domestic last)."""
    names = _products_named(assessment)
    markets = sorted(
        {gap["market"] for gap in assessment["gaps"]}, key=lambda market: (market == "ID", market)
    )
    markets_of: dict[str, set] = {}
    for gap in assessment["gaps"]:
        markets_of.setdefault(gap["requirement"], set()).add(gap["market"])
    # A requirement missing in every market (NIB, NPWP, a premium label) is shown once, not per market.
    business_wide = {code for code, found in markets_of.items() if len(markets) > 1 and found >= set(markets)}
    once: dict[str, Gap] = {}
    per_market: dict[str, dict[str, Gap]] = {market: {} for market in markets}
    for raw in assessment["gaps"]:
        target = once if raw["requirement"] in business_wide else per_market[raw["market"]]
        gap = target.get(raw["requirement"])
        if gap is None:
            gap = target[raw["requirement"]] = Gap(
                requirement=raw["requirement"],
                severity=raw["severity"],
                applies_from=raw.get("applies_from"),
                days_left=raw.get("days_left"),
                closed_by=[code for code in raw.get("closed_by") or () if code != raw["requirement"]],
                expired_on=expired.get(raw["requirement"]),
            )
        product = names.get(raw.get("product_hs")) or raw.get("product_hs")
        if product and product not in gap.products:
            gap.products.append(product)
    grouped = [
        (market, sorted(gaps.values(), key=_severity_rank)) for market, gaps in per_market.items() if gaps
    ]
    return sorted(once.values(), key=_severity_rank), grouped


def _food_products(assessment: dict) -> bool:
    policy = current_app.extensions["policy"]
    food = {item.name: item.food for item in policy.class_index.values()}
    return any(food.get(product.get("product_class")) for product in assessment.get("products") or ())


def relevant_what_if(assessment: dict) -> list[dict]:
    """What-if options whose actions fit the products, most gain first, each action in words."""
    kinds = {code: names["kind"] for code, names in labels._certificates().items()}
    gap_codes = {code for gap in assessment["gaps"] for code in (gap.get("any_of") or [gap["requirement"]])}
    food = _food_products(assessment)

    def fits(action: dict) -> bool:
        if action.get("kind") != "obtain_certificate":
            return True
        code = action.get("code")
        return code in gap_codes or kinds.get(code) not in FOOD_KINDS or food

    options = []
    for option in assessment.get("what_if") or ():
        if all(fits(action) for action in option["actions"]):
            words = [
                labels.action_words(action, assessment.get("products") or []) for action in option["actions"]
            ]
            options.append({**option, "words": words})
    return sorted(options, key=lambda option: (-option["score_change"], option["size"]))


def next_steps(
    business_gaps: list[Gap], market_gaps: list[tuple[str, list[Gap]]], what_if: list[dict]
) -> list[str]:
    """The three most useful things to do next, in words."""
    steps: list[str] = []
    urgent = sorted(
        (gap for gap in business_gaps if gap.severity in ("blocking", "upcoming")), key=_severity_rank
    )
    urgent += sorted(
        (gap for _market, gaps in market_gaps for gap in gaps if gap.severity in ("blocking", "upcoming")),
        key=_severity_rank,
    )
    seen = set()
    for gap in urgent:
        if gap.requirement in seen:
            continue
        seen.add(gap.requirement)
        if gap.expired_on:
            steps.append(
                _(
                    "Renew %(name)s (expired on %(date)s)",
                    name=gap.name,
                    date=labels.date_words(gap.expired_on),
                )
            )
        else:
            steps.append(_("Obtain %(name)s", name=gap.name))
    for option in what_if:
        steps.extend(option["words"])
    return list(dict.fromkeys(steps))[:NEXT_STEPS]


def programmes_view(assessment: dict) -> list[dict]:
    """Programmes, eligible first, each criterion with its sentence."""
    order = {"eligible": 0, "needs_information": 1, "ineligible": 2}
    arranged = []
    for programme in assessment.get("programmes") or ():
        criteria = [
            {**criterion, "sentence": labels.criterion_sentence(criterion)}
            for criterion in programme["criteria"]
        ]
        name = programme.get("name_id") if labels.locale_code() == "id" else programme.get("name_en")
        arranged.append(
            {
                **programme,
                "title": name or programme.get("name") or programme["code"],
                "criteria": criteria,
                "reasons_for": [c["sentence"] for c in criteria if c["outcome"] == "pass"],
                "reasons_against": [c["sentence"] for c in criteria if c["outcome"] != "pass"],
            }
        )
    return sorted(arranged, key=lambda programme: order.get(programme["result"], 3))


def result_view(assessment: dict, profile: dict | None) -> dict:
    """Everything the result page (HTML or PDF) shows, in the reader's language."""
    expired = expired_certificates(profile, assessment.get("as_of"))
    business_gaps, market_gaps = arrange_gaps(assessment, expired)
    what_if = relevant_what_if(assessment)
    return {
        "assessment": assessment,
        "business_gaps": business_gaps,
        "market_gaps": market_gaps,
        "what_if": what_if,
        "next_steps": next_steps(business_gaps, market_gaps, what_if),
        "programmes": programmes_view(assessment),
        "expired": expired,
    }


TRACE_STEPS = {
    "size_class": _l("Business size"),
    "product": _l("Product class"),
    "requirement": _l("Requirement"),
    "dimension": _l("Score part"),
    "score": _l("Readiness score"),
    "level": _l("Level"),
    "programme": _l("Programme"),
    "route": _l("Route"),
    "review": _l("Review"),
}


def _trace_outcome(step: dict) -> str:
    """What a trace step concluded, in words."""
    outcome, kind = step.get("outcome"), step["step"]
    if isinstance(outcome, dict):
        if kind == "requirement":
            state = _("met") if outcome.get("met") else _("missing")
            return f"{state} — {labels.word(labels.SEVERITIES, outcome.get('severity'))}"
        if kind == "dimension":
            return str(outcome.get("score"))
        if kind == "level":
            return labels.word(labels.LEVELS, outcome.get("level"))
        if kind == "criterion":
            return labels.word(labels.OUTCOMES, outcome.get("outcome"))
        if kind == "product":
            return labels.word(labels.COMMODITIES, outcome.get("commodity"))
        return labels._value_words(outcome)
    if kind == "review":
        return _("review needed") if outcome else _("no review needed")
    if isinstance(outcome, str):
        words = {**labels.SIZE_CLASSES, **labels.ROUTES, **labels.PROGRAMME_RESULTS, **labels.LEVELS}
        return labels.word(words, outcome)
    return labels._value_words(outcome)


def _trace_subject(step: dict) -> str:
    """What a trace step was about: the certificate and market, the programme, the score part."""
    rule, inputs = str(step.get("rule") or ""), step.get("inputs") or {}
    if step["step"] == "requirement":
        where = labels.country_name(inputs.get("market")) if inputs.get("market") else ""
        product = f", HS {inputs['product_hs']}" if inputs.get("product_hs") else ""
        return f"{labels.certificate_name(rule.split('#')[0])} ({where}{product})"
    if step["step"] == "dimension":
        return labels.word(labels.DIMENSIONS, rule.removeprefix("readiness."))
    if step["step"] == "programme":
        return labels.programme_name(rule)
    if step["step"] == "product":
        return f"HS {inputs.get('hs_code') or '?'}"
    return ""


def trace_rows(assessment: dict) -> list[dict]:
    """The engine's trace (every rule it applied) as rows of words with their sources, for advisors."""
    return [
        {
            "step": labels.word(TRACE_STEPS, step.get("step")),
            "subject": _trace_subject(step),
            "outcome": _trace_outcome(step),
            "source": step.get("source") or "",
        }
        for step in assessment.get("trace") or ()
        if isinstance(step, dict) and step.get("step") != "criterion"  # criteria are sentences above
    ]
