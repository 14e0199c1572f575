"""Assessment use cases: classify products, run the engine, add the triage view, store the result."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, insert, not_, or_, select, update

from app.engine import assess, what_if
from app.engine.policy import DIMENSIONS, URGENCY
from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db
from app.models import Assessment, Ikm
from app.models.ikm import PERSONAL_FIELDS
from app.policies.versions import load_version, policy_in_force
from app.reference import commodity_of
from app.schemas.ikm import IkmProfileSchema
from app.services.models import current_models
from app.vocabulary import founded_on_problem

KEYWORD_VERSION_PREFIX = "hs-keyword"


def classify_products(profile: dict) -> dict:
    """Return a copy of the profile whose products all have an HS code, its source and score."""
    return classify_many_products([profile])[0]


def classify_many_products(profiles: list[dict]) -> list[dict]:
    """classify_products for many profiles, with one call of the classifier for all their descriptions.

    Only the product dicts are written to, so only they are copied: the callers' profiles (stored as
    snapshots) stay as they were.
    """
    classified = [
        {**profile, "products": [dict(product) for product in profile.get("products", [])]}
        for profile in profiles
    ]
    classify_in_place(classified)
    return classified


def classify_in_place(profiles: list[dict]) -> None:
    """Give every product of these profiles (their own dicts, written to) its HS code, source and score: a
    stored code is kept ("given"); only products without one go to the classifier, loaded only then."""
    pending = []
    for profile in profiles:
        for product in profile.get("products", ()):
            if product.get("hs_code"):
                product.setdefault("hs_source", "given")
                product.setdefault("hs_score", None)
            else:
                pending.append(product)
    if not pending:
        return
    classifier = current_models().hs_classifier
    source = "keyword" if classifier.version.startswith(KEYWORD_VERSION_PREFIX) else "model"
    ranked = classifier.rank_many([product["description"] for product in pending], 1)
    for product, candidates in zip(pending, ranked, strict=True):
        best = candidates[0] if candidates else None
        product["hs_code"] = best["hs_code"] if best else None
        product["hs_source"] = source
        product["hs_score"] = round(float(best["score"]), 4) if best else 0.0


def evaluate(profile: dict, as_of: date, with_what_if: bool = True) -> dict:
    """Run the whole pipeline on a validated profile and return the result (nothing stored); without
    `what_if` when not asked for (it can be computed later from the stored assessment: `what_if_of`)."""
    models = current_models()
    classified = classify_products(profile)
    result = assess(classified, as_of, policy_in_force(as_of), with_what_if=with_what_if)
    if not with_what_if:
        del result["what_if"]
    result["model_version"] = models.version
    add_triage(classified, result, models.triage)
    return result


# One instance for every request: building a schema deep-copies its fields and those of each nested schema.
_PROFILE_SCHEMA = IkmProfileSchema()


def add_triage(profile: dict, result: dict, triage, priority: dict | None = None) -> None:
    """Add the triage model's priority to a result (computed here unless given), and its review flag when
    it strongly disagrees."""
    if triage is None:
        return
    from app.ml import disagrees_strongly

    if priority is None:
        priority = triage.priority(profile, result)
    result["triage"] = priority
    if disagrees_strongly(priority["score"], result):
        result["review_required"] = True
        result["review_reasons"].append(
            {
                "code": "TRIAGE_DISAGREES",
                "message_id": "Model prioritas (data sintetis) sangat berbeda dengan hasil aturan.",
                "message_en": "The learned priority model strongly disagrees with the rules.",
                "message": "The learned priority model strongly disagrees with the rules.",
            }
        )


def as_json_profile(validated: dict) -> dict:
    """The validated profile back in its JSON form (ISO date strings), as the engine and snapshots use it."""
    return _PROFILE_SCHEMA.dump(validated)


def anonymised(profile: dict) -> dict:
    """Drop names, NIB and contact details from a profile snapshot."""
    return {key: value for key, value in profile.items() if key not in PERSONAL_FIELDS}


def urgent_gap(gaps: list[dict]) -> dict | None:
    """The most urgent gap: the most severe, then the earliest date (a gap in force before a dated one)."""
    ranked = [gap for gap in gaps if gap.get("severity") in URGENCY]
    if not ranked:
        return None
    return min(ranked, key=lambda gap: (URGENCY.index(gap["severity"]), gap.get("applies_from") or ""))


def gap_list(gaps: list[dict]) -> str | None:
    """Distinct (requirement, severity, date) of an assessment's gaps as "REQ|severity|date;…", sorted."""
    distinct = {
        f"{gap['requirement']}|{gap['severity']}|{gap.get('applies_from') or ''}"
        for gap in gaps
        if gap.get("severity") in URGENCY
    }
    return ";".join(sorted(distinct)) or None


def link_to_history(assessment: Assessment) -> None:
    """Keep `superseded_on` true: the assessment before this one ends on its date, this one on the next's."""
    if assessment.ikm_id is None:
        return
    same_ikm = Assessment.ikm_id == assessment.ikm_id
    later = or_(
        Assessment.as_of > assessment.as_of,
        and_(Assessment.as_of == assessment.as_of, Assessment.id > assessment.id),
    )
    assessment.superseded_on = db.session.scalar(select(func.min(Assessment.as_of)).where(same_ikm, later))
    previous = db.session.scalars(
        select(Assessment)
        .where(same_ikm, Assessment.id != assessment.id, not_(later))
        .order_by(Assessment.as_of.desc(), Assessment.id.desc())
        .limit(1)
    ).first()
    if previous is not None:
        previous.superseded_on = assessment.as_of


def reporting_columns(result: dict) -> dict:
    """The columns reports count from an assessment document: eligible programmes, the gaps, the most
    urgent gap (a stored assessment without them is filled by `backfill_reporting_columns`)."""
    gaps = result.get("gaps") or []
    urgent = urgent_gap(gaps)
    return {
        "eligible_programmes": ";".join(
            programme["code"]
            for programme in result.get("programmes") or []
            if programme.get("result") == "eligible"
        )[:200],
        "urgent_gap": urgent["requirement"] if urgent else None,
        "urgent_gap_severity": urgent["severity"] if urgent else None,
        "urgent_gap_from": date.fromisoformat(urgent["applies_from"])
        if urgent and urgent.get("applies_from")
        else None,
        "gap_list": gap_list(gaps),
    }


def assessments_without_reporting_columns():
    """A select of assessments stored before migration 0005 filled the reporting columns (never NULL since:
    an assessment with no eligible programme stores an empty text)."""
    return select(Assessment).where(Assessment.eligible_programmes.is_(None))


def backfill_reporting_columns(batch_size: int = 1000) -> int:
    """Fill the reporting columns of older assessments from their stored documents, a batch per commit;
    return how many were filled. The documents are the record: nothing is re-assessed."""
    filled = 0
    while True:
        batch = db.session.scalars(
            assessments_without_reporting_columns().order_by(Assessment.id).limit(batch_size)
        ).all()
        if not batch:
            return filled
        for assessment in batch:
            for column, value in reporting_columns(assessment.result or {}).items():
                setattr(assessment, column, value)
        db.session.commit()
        filled += len(batch)


def store_assessment(
    profile: dict,
    result: dict,
    ikm: Ikm | None = None,
    keep_personal_data: bool = True,
    created_by_id=None,
    link: bool = True,
) -> Assessment:
    """Persist an assessment with its profile snapshot and reporting columns."""
    assessment = assessment_record(profile, result, ikm, keep_personal_data, created_by_id)
    db.session.add(assessment)
    db.session.flush()
    if link:
        link_to_history(assessment)
    return assessment


def assessment_record(
    profile: dict, result: dict, ikm: Ikm | None, keep_personal_data: bool = True, created_by_id=None
) -> Assessment:
    """An Assessment row (not added) for a result: snapshot, reporting columns, most urgent gap."""
    ikm_id = ikm.id if ikm is not None else None
    return Assessment(**assessment_values(profile, result, ikm_id, keep_personal_data, created_by_id))


def assessment_values(
    profile: dict, result: dict, ikm_id: int | None, keep_personal_data: bool = True, created_by_id=None
) -> dict:
    """The columns of a stored assessment (snapshot, result, reporting columns): one row or a bulk insert."""
    products = result.get("products") or []
    first_hs = products[0].get("hs_code") if products else None
    region_code = profile.get("region_code")
    return dict(
        ikm_id=ikm_id,
        as_of=date.fromisoformat(result["as_of"]),
        score=result["readiness"]["score"],
        level=result["readiness"]["level"],
        route=result["route"],
        status=result["status"],
        size_class=result.get("size_class"),
        region_code=region_code,
        province_code=region_code[:2] if region_code else None,
        commodity=commodity_of(first_hs),
        review_required=bool(result["review_required"]),
        policy_version=result["policy_version"],
        policy_hash=result["policy_hash"],
        model_version=result["model_version"],
        profile_snapshot=profile if keep_personal_data else anonymised(profile),
        result=result,
        created_by_id=created_by_id,
        ovop_stars=profile.get("ovop_stars"),
        **reporting_columns(result),
    )


def assessment_as_dict(assessment: Assessment) -> dict:
    """The stored assessment as the API returns it: the result plus id and IKM link."""
    return {"id": assessment.id, "ikm_id": assessment.ikm_id, **assessment.result}


def create_assessment(
    profile: dict | None, ikm_id: int | None, as_of: date | None, with_what_if: bool = False, **store_options
) -> dict:
    """Assess an inline profile (validated, in JSON style: `as_json_profile`) or a stored IKM as of a date,
    store it and return it; with the what-if options (policy-v1 §7, stored too) only when asked, else they
    are computed on demand (`what_if_of`)."""
    ikm = None
    if ikm_id is not None:
        ikm = db.session.get(Ikm, ikm_id)
        if ikm is None:
            raise NotFound(f"IKM {ikm_id} tidak ditemukan. / IKM {ikm_id} not found.")
        profile = ikm.to_profile()
    as_of = as_of or date.today()
    founded_on = profile.get("founded_on")
    problem = founded_on and founded_on_problem(date.fromisoformat(str(founded_on)), None, as_of)
    if problem:  # a stored IKM's founding day against the asked date; an inline one was checked by its schema
        raise InvalidInput(problem, errors={"json": {"as_of": [problem]}})
    result = evaluate(profile, as_of, with_what_if=with_what_if)
    if ikm is None:
        values = assessment_values(profile, result, None, **store_options)
        stored = {"id": insert_assessment(values), "ikm_id": None, **result}
    else:
        stored = assessment_as_dict(store_assessment(profile, result, ikm=ikm, **store_options))
    db.session.commit()  # the dict was built before: reading the expired row back would cost a query
    return stored


_INSERT_ASSESSMENT = insert(Assessment.__table__)


def insert_assessment(values: dict) -> int:
    """Insert one assessment row (`assessment_values`) as one Core INSERT and return its id.

    For an assessment of an inline profile: it joins no IKM history, so the ORM's unit of work (about 1.5 ms
    of CPU for one row) has nothing to do; the row is the one `store_assessment` would write.
    """
    return db.session.execute(_INSERT_ASSESSMENT, values).inserted_primary_key[0]


class WhatIfUnavailable(Conflict):
    """The what-if of a stored assessment cannot be computed again as it was assessed."""


def assessed_profile(assessment: Assessment) -> dict:
    """The profile an assessment's rules ran on: its snapshot with each product's HS code as classified."""
    snapshot = assessment.profile_snapshot or {}
    products = (assessment.result or {}).get("products") or []
    return {
        **snapshot,
        "products": [
            {**given, **{key: assessed.get(key) for key in ("hs_code", "hs_source", "hs_score")}}
            for given, assessed in zip(snapshot.get("products") or [], products, strict=True)
        ],
    }


def what_if_of(assessment: Assessment) -> list[dict]:
    """The what-if options (policy-v1 §7) of a stored assessment: the stored ones, else the rules re-run on
    its snapshot under the policy it was assessed with; WhatIfUnavailable when that is not possible (the
    policy's files changed since, a batch document, a snapshot stored without the NIB the rules read)."""
    result = assessment.result or {}
    if "what_if" in result:
        return result["what_if"]
    snapshot = assessment.profile_snapshot or {}
    reason = None
    if result.get("mode") == "batch":
        reason = "Penilaian massal tanpa what-if. / A batch assessment has no what-if."
    elif "name" not in snapshot:  # anonymised: NIB dropped
        reason = (
            "Profil disimpan tanpa data pribadi; nilai ulang dengan include=what_if. / The profile was "
            "stored without personal data; assess again with include=what_if."
        )
    else:
        try:
            policy = load_version(result.get("policy_version"))
        except NotFound:
            policy = None
        if policy is None or policy.content_hash != result.get("policy_hash"):
            reason = (
                "Kebijakan penilaian ini telah berubah; nilai ulang. / The policy this assessment used has "
                "changed since; assess again."
            )
    if reason:
        raise WhatIfUnavailable(reason)
    return what_if(assessed_profile(assessment), assessment.as_of, policy)


def what_if_view(assessment: Assessment) -> dict:
    """A stored assessment's what-if options with its id, date and policy version."""
    result = assessment.result or {}
    return {
        "id": assessment.id,
        "as_of": result.get("as_of"),
        "policy_version": result.get("policy_version"),
        "what_if": what_if_of(assessment),
    }


def assessment_for_pages(assessment: Assessment) -> dict:
    """A stored assessment as pages show it: `assessment_as_dict` with its what-if (computed when it was not
    stored; none when it cannot be)."""
    document = assessment_as_dict(assessment)
    if "what_if" not in document:
        try:
            document["what_if"] = what_if_of(assessment)
        except WhatIfUnavailable:
            document["what_if"] = []
    return document


def get_assessment(assessment_id: int) -> Assessment:
    """Return a stored assessment or raise NotFound."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFound(f"Penilaian {assessment_id} tidak ditemukan. / Assessment {assessment_id} not found.")
    return assessment


def ikm_history(ikm_id: int) -> list[Assessment]:
    """The assessments of one IKM, newest first."""
    if db.session.get(Ikm, ikm_id) is None:
        raise NotFound(f"IKM {ikm_id} tidak ditemukan. / IKM {ikm_id} not found.")
    query = (
        select(Assessment)
        .where(Assessment.ikm_id == ikm_id)
        .order_by(Assessment.as_of.desc(), Assessment.id.desc())
    )
    return db.session.scalars(query).all()


def _batch_result(row, profile: dict, policy, model_version: str) -> dict:
    """An assessment document from one row of the vectorised engine's output (gap_detail=True): the
    gaps, programme results and review flags a stored assessment reads; no criteria, trace or what-if."""
    split = lambda text: [item for item in (text or "").split(";") if item]  # noqa: E731
    dimensions = {name: row[f"dim_{name}"] for name in DIMENSIONS}
    return {
        "mode": "batch",
        "as_of": row["as_of"],
        "policy_version": row["policy_version"],
        "policy_hash": row["policy_hash"],
        "model_version": model_version,
        "status": row["status"],
        "missing_fields": split(row["missing_fields"]),
        "readiness": {
            "score": int(row["score"]),
            "level": row["level"],
            "level_capped": bool(row["level_capped"]),
            "dimensions": {
                name: (None if value != value else int(value)) for name, value in dimensions.items()
            },
        },
        "size_class": row["size_class"],
        "products": profile.get("products") or [],
        "gaps": row["gaps"],
        "blocking_markets": split(row["blocking_markets"]),
        "programmes": [
            {"code": programme.code, "type": programme.type, "result": row[f"programme_{programme.code}"]}
            for programme in policy.programmes
            if f"programme_{programme.code}" in row
        ],
        "route": row["route"],
        "review_required": bool(row["review_required"]),
        "review_reasons": [{"code": code} for code in split(row["review_reasons"])],
        "trace": [],
    }


def supersede_current(ikm_ids: list[int], as_of: date, chunk: int = 500) -> None:
    """Close the current assessment of each of these IKM on a date (before their new ones are stored)."""
    for start in range(0, len(ikm_ids), chunk):
        db.session.execute(
            update(Assessment)
            .where(Assessment.ikm_id.in_(ikm_ids[start : start + chunk]), Assessment.superseded_on.is_(None))
            .values(superseded_on=as_of)
        )


def assess_ikms_batch(ikms: list[Ikm], as_of: date, created_by_id=None) -> int:
    """Assess stored IKM in one pass of the vectorised engine and store an assessment for each."""
    if not ikms:
        return 0
    from app.engine import assess_frame, profiles_to_frame  # numpy and pandas: imported on use

    policy = policy_in_force(as_of)
    from app.simulation.classified import keep_classification

    profiles = [classify_products(ikm.to_profile()) for ikm in ikms]
    for ikm, profile in zip(ikms, profiles, strict=True):
        keep_classification(ikm.products, profile["products"])
    frame = assess_frame(profiles_to_frame(profiles), as_of, policy, gap_detail=True)
    store_batch_assessments([ikm.id for ikm in ikms], profiles, frame, policy, as_of, created_by_id)
    return len(ikms)


WRITE_STEP = 200  # rows per INSERT (and between two progress reports) when a batch is stored


def store_batch_assessments(
    ikm_ids: list[int], profiles: list[dict], frame, policy, as_of: date, created_by_id=None, written=None
) -> None:
    """Store the vectorised engine's assessments (assess_frame with gap_detail) of stored IKM, as a single
    create stores them (gap list, most urgent gap, programmes, review flags with the triage model's): their
    current assessments closed on the date, the new rows in multi-row INSERTs; `written(done, total)` is
    told after each INSERT. The one batch storer of batch assessment (imports) and re-assessment."""
    models = current_models()
    supersede_current([ikm_id for ikm_id in ikm_ids if ikm_id is not None], as_of)
    items = list(zip(ikm_ids, profiles, frame.to_dict("records"), strict=True))
    for start in range(0, len(items), WRITE_STEP):
        step = [
            (ikm_id, profile, _batch_result(row, profile, policy, models.version))
            for ikm_id, profile, row in items[start : start + WRITE_STEP]
        ]
        triage = models.triage
        given = triage.priorities([(profile, result) for _, profile, result in step]) if triage else None
        pending = []
        for index, (ikm_id, profile, result) in enumerate(step):
            add_triage(profile, result, triage, given[index] if given else None)
            pending.append(assessment_values(profile, result, ikm_id, created_by_id=created_by_id))
        db.session.execute(_INSERT_ASSESSMENT, pending)  # Core: one executemany, whatever is None
        if written is not None:
            written(start + len(step), len(items))
