"""The public single-profile API: assess, requirements_for and programme_catalogue."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.engine.criteria import OUTCOME_NAMES, RULES
from app.engine.dates import parse_date
from app.engine.facts import read_facts
from app.engine.policy import SEVERITY_RANK, Policy, describe_requirement
from app.engine.rules import Evaluation, Gap, ProgrammeResult, Trace, evaluate
from app.engine.whatif import search_what_if


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def gap_to_dict(gap: Gap) -> dict:
    """A gap in the contract's shape, with the entry id, alternatives and assumption note."""
    entry = gap.entry
    described = {
        "requirement": entry.requirement,
        "any_of": list(entry.any_of),
        "market": gap.market,
        "severity": gap.severity,
        "applies_from": _iso(gap.applies_from),
        "days_left": gap.days_left,
        "product_hs": gap.product_hs,
        "product_class": gap.product_class,
        "closed_by": [*entry.any_of, *entry.closed_by],
        "source": entry.source,
        "rule": entry.id,
        "assumption": entry.assumption,
        "conditional_on": gap.conditional_on,
    }
    if gap.renewal:
        described["renewal"] = True
    if gap.indication is not None:
        indication = gap.indication
        described["geographical_indication"] = {
            "name": indication.name,
            "registration": indication.registration,
            "source": indication.source,
            "assumption": indication.assumption,
        }
    if entry.action_en:
        values = {"gi_name": gap.indication.name if gap.indication is not None else ""}
        described["action_id"] = entry.action_id.format(**values) if entry.action_id else None
        described["action_en"] = entry.action_en.format(**values)
    if entry.note:
        described["note"] = entry.note
    return described


def programme_to_dict(result: ProgrammeResult, policy: Policy, size_class: str | None) -> dict:
    """A programme result with every criterion's outcome, actual and required value and source."""
    programme = policy.programme(result.code)
    criteria = []
    for criterion, outcome, actual in result.criteria:
        item = {
            "name": criterion.name,
            "outcome": OUTCOME_NAMES[outcome],
            "actual": actual,
            "required": criterion.required_text(),
            "source": criterion.source,
            "assumption": criterion.assumption,
        }
        if criterion.note:
            item["note"] = criterion.note
        criteria.append(item)
    terms = dict(programme.terms)
    ceilings = terms.get("ceiling_idr")
    if isinstance(ceilings, dict) and size_class in ceilings:
        terms["ceiling_for_size_class"] = ceilings[size_class]
    return {
        "code": programme.code,
        "name": programme.name_en,
        "name_id": programme.name_id,
        "name_en": programme.name_en,
        "type": programme.type,
        "result": result.result,
        "criteria": criteria,
        "terms": terms,
        "source": programme.source,
    }


def _sorted_gaps(evaluation: Evaluation) -> list[Gap]:
    market_order = {market: position for position, market in enumerate(evaluation.facts.checked_markets)}
    return sorted(
        evaluation.gaps,
        key=lambda gap: (
            -SEVERITY_RANK[gap.severity],
            market_order[gap.market],
            gap.entry.requirement,
            gap.product_hs or "",
        ),
    )


def assess(profile: dict, as_of: date, policy: Policy, with_what_if: bool = True) -> dict:
    """Assess a validated profile on a date: gaps, readiness, programmes, route, review, trace, what-if."""
    as_of = parse_date(as_of)
    policy = policy.on(as_of)
    trace = Trace()
    facts = read_facts(profile, as_of, policy)
    trace.add(
        "size_class",
        "size_class",
        {"annual_revenue_idr": profile.get("annual_revenue_idr")},
        facts.size_class,
        "policy-v1 §1; data/policy/thresholds.yaml size_classes (PP 7/2021)",
    )
    for product in facts.products:
        trace.add(
            "product",
            "product_class",
            {"hs_code": product.hs_code, "hs_source": product.hs_source, "hs_score": product.hs_score},
            {"product_class": product.product_class.name, "commodity": product.product_class.commodity},
            "policy-v1 §3; data/policy/product_classes.yaml",
        )
    evaluation = evaluate(facts, policy, trace)
    result: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "policy_version": policy.label,
        "policy_hash": policy.content_hash,
        "status": evaluation.status,
        "missing_fields": list(evaluation.missing),
        "readiness": {
            "score": evaluation.score,
            "level": evaluation.level,
            "level_capped": evaluation.level_capped,
            "dimensions": dict(evaluation.dimensions),
        },
        "size_class": facts.size_class,
        "products": [
            {
                "description": product.description,
                "hs_code": product.hs_code,
                "commodity": product.product_class.commodity,
                "product_class": product.product_class.name,
                "hs_source": product.hs_source,
                "hs_score": product.hs_score,
            }
            for product in facts.products
        ],
        "gaps": [gap_to_dict(gap) for gap in _sorted_gaps(evaluation)],
        "programmes": [programme_to_dict(p, policy, facts.size_class) for p in evaluation.programmes],
        "route": evaluation.route,
        "review_required": bool(evaluation.review_reasons),
        "review_reasons": evaluation.review_reasons,
        "trace": list(trace),
        "what_if": search_what_if(profile, as_of, policy, evaluation) if with_what_if else [],
    }
    return result


def requirements_for(
    hs_code: str, market: str, as_of: date, size_class: str | None, policy: Policy
) -> list[dict]:
    """Requirements for an HS code in a market on a date (every size when size_class is None, with dates)."""
    as_of = parse_date(as_of)
    policy = policy.on(as_of)
    upcoming_until = policy.upcoming_until(as_of)
    found = []
    for entry in policy.entries_for(hs_code or None, market):
        if size_class is not None and not entry.binds_size(size_class):
            continue
        if entry.valid_to is not None and as_of > entry.valid_to:
            continue
        status = entry.status_on(as_of, upcoming_until)
        in_force = entry.valid_from is None or entry.valid_from <= as_of
        item = {
            "requirement": entry.requirement,
            "any_of": list(entry.any_of),
            "severity": status or entry.severity,
            "in_force": in_force,
            "applies_from": _iso(entry.valid_from),
            "valid_to": _iso(entry.valid_to),
            "days_left": None if in_force else (entry.valid_from - as_of).days,
            "size_classes": sorted(entry.size_classes) if entry.size_classes is not None else None,
            "scope": entry.scope,
            "closed_by": [*entry.any_of, *entry.closed_by],
            "source": entry.source,
            "rule": entry.id,
            "assumption": entry.assumption,
        }
        if entry.region_match is not None:
            commodity = policy.product_class(hs_code or None).commodity
            item["region_match"] = entry.region_match
            item["geographical_indications"] = [
                {"name": gi.name, "regions": sorted(gi.regions), "source": gi.source}
                for gi in policy.geographical_indications
                if gi.commodity == commodity
            ]
        if entry.note:
            item["note"] = entry.note
        found.append(item)
    found.sort(
        key=lambda item: (-SEVERITY_RANK[item["severity"]], item["requirement"], item["applies_from"] or "")
    )
    return found


def programme_catalogue(policy: Policy) -> list[dict]:
    """Every programme with its criteria (required values, sources), terms, validity and source."""
    catalogue = []
    for programme in policy.programmes:
        catalogue.append(
            {
                "code": programme.code,
                "name_id": programme.name_id,
                "name_en": programme.name_en,
                "type": programme.type,
                "criteria": [
                    {
                        "name": criterion.name,
                        "rule": criterion.rule,
                        "required": describe_requirement(criterion.rule, criterion.params),
                        "description_id": RULES[criterion.rule].description_id,
                        "description_en": RULES[criterion.rule].description_en,
                        "params": criterion.params,
                        "source": criterion.source,
                        "assumption": criterion.assumption,
                        **({"note": criterion.note} if criterion.note else {}),
                    }
                    for criterion in programme.criteria
                ],
                "terms": programme.terms,
                "valid_from": _iso(programme.valid_from),
                "valid_to": _iso(programme.valid_to),
                "source": programme.source,
                "assumption": programme.assumption,
                **({"note": programme.note} if programme.note else {}),
            }
        )
    return catalogue
