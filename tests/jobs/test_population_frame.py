"""The population read straight into the engine's frame (`load_frame`) is the frame `profiles_to_frame`
builds from the profiles `load_population` reads, value for value, with its filters; the HS classification
kept with products stored without a code (`flask ml classify-stored`) is read back when the loaded model
made it, and changes no profile."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select, update

from app.engine import profiles_to_frame
from app.extensions import db
from app.models import Product
from app.simulation.classified import CLASSIFIED_COLUMNS, classifier_version, classify_stored
from app.simulation.frame import load_frame
from app.simulation.population import load_population
from tests.jobs.test_population_loader import _odd_ikms


def _values(frame) -> dict[str, list]:
    """Each column's dtype and values as text (NaN equals NaN, 1 differs from 1.0, None from "")."""
    return {name: (str(frame[name].dtype), [repr(value) for value in frame[name]]) for name in frame.columns}


def _assert_same(loaded, population) -> None:
    assert list(loaded.frame.columns) == list(profiles_to_frame([]).columns)
    assert _values(loaded.frame) == _values(profiles_to_frame(population.profiles))
    assert loaded.ids == population.ids and loaded.names == population.names
    assert loaded.provinces == population.provinces and loaded.commodities == population.commodities


def _forget_classifications() -> int:
    """Clear every kept classification (as rows written before migration 0013 have none); return how many
    products have no given code."""
    db.session.execute(update(Product).values(dict.fromkeys(CLASSIFIED_COLUMNS)))
    db.session.commit()
    return len(db.session.scalars(select(Product.id).where(Product.hs_code.is_(None))).all())


def test_the_writers_keep_the_classification_their_assessment_used(app, population):
    """The demo writer (create's path) keeps with each product stored without a code the classification of
    its assessment: the stored assessment shows that code, and nothing is left for the backfill."""
    from app.models import Assessment

    with app.app_context():
        version = classifier_version()
        rows = db.session.scalars(select(Product).where(Product.hs_code.is_(None))).all()
        assert rows and {row.classified_by for row in rows} == {version}
        for row in rows[:20]:
            assessment = db.session.scalars(select(Assessment).where(Assessment.ikm_id == row.ikm_id)).one()
            shown = assessment.result["products"][row.position]
            kept = (row.classified_hs_code, row.classified_hs_source, row.classified_hs_score)
            assert (shown["hs_code"], shown["hs_source"], shown["hs_score"]) == kept
        assert classify_stored() == 0


def test_the_frame_is_the_frame_of_the_loaded_profiles(app, population):
    """Every IKM across slices (odd ones included): the same frame, ids, names, provinces and commodities;
    a row's profile on demand is the loaded one."""
    with app.app_context():
        _odd_ikms()
        profiles = load_population()
        shares = []
        loaded = load_frame(progress=shares.append, slice_size=37)
        _assert_same(loaded, profiles)
        assert len(loaded) == population + 2 and shares[-1] == 1.0
        for index in (0, len(loaded) - 1, len(loaded) // 2):
            assert loaded.profiles[index] == profiles.profiles[index]


def test_the_frame_filters_by_province_and_commodity(app, population):
    """A province, a commodity and both keep the rows `load_population` keeps."""
    with app.app_context():
        _odd_ikms()
        everyone = load_population()
        province = max(set(everyone.provinces), key=everyone.provinces.count)
        commodity = max(set(everyone.commodities), key=everyone.commodities.count)
        for filters in (
            {"province": province},
            {"commodity": commodity},
            {"province": province, "commodity": commodity},
        ):
            _assert_same(load_frame(slice_size=13, **filters), load_population(**filters))


def test_kept_classifications_are_read_back_unchanged(app, population):
    """The backfill classifies each product without a given code once per model version; the profiles and
    the frame read afterwards are the ones read before; another version's classification is not read."""
    with app.app_context():
        _odd_ikms()
        before = load_population()
        frame_before = _values(load_frame().frame)
        pending = _forget_classifications()
        assert pending > 0
        assert classify_stored(batch=7) == pending
        assert classify_stored() == 0  # all kept by this version
        version = classifier_version()
        rows = db.session.execute(select(Product).where(Product.hs_code.is_(None))).scalars().all()
        assert {row.classified_by for row in rows} == {version}
        assert all(row.classified_hs_source in ("model", "keyword") for row in rows)
        given = db.session.scalars(select(Product).where(Product.hs_code.is_not(None))).all()
        assert {row.classified_by for row in given} == {None}
        assert load_population().profiles == before.profiles
        assert _values(load_frame().frame) == frame_before
        # A classification kept by another model version is not read: the product is classified again.
        db.session.execute(
            update(Product)
            .where(Product.hs_code.is_(None))
            .values(classified_by="other-model", classified_hs_code="999999")
        )
        db.session.commit()
        assert load_population().profiles == before.profiles
        assert _values(load_frame().frame) == frame_before
        assert classify_stored() == pending
        assert np.all([row.classified_hs_code != "999999" for row in db.session.scalars(select(Product))])


def test_the_backfill_command_says_what_it_classified(app, runner, population):
    """`flask ml classify-stored` classifies the products stored without a code, then has nothing to do."""
    with app.app_context():
        pending = _forget_classifications()
    first = runner.invoke(args=["ml", "classify-stored", "--batch", "50"])
    assert first.exit_code == 0, first.output
    assert f"{pending:,} products without a given HS code classified by hs-" in first.output
    again = runner.invoke(args=["ml", "classify-stored"])
    assert again.exit_code == 0 and "0 products without" in again.output


def test_reading_ahead_hands_over_errors_and_stops_with_its_caller(app):
    """The reading thread's error is raised to the caller; a caller that stops early stops the thread."""
    import threading

    import pytest

    from app.simulation.population import read_ahead

    def failing(execute):
        yield 1
        raise ValueError("boom")

    with app.app_context():
        items = read_ahead(failing)
        assert next(items) == 1
        with pytest.raises(ValueError, match="boom"):
            next(items)
        many = read_ahead(lambda execute: iter(range(1000)))
        assert next(many) == 0
        many.close()
        assert "population-reader" not in {thread.name for thread in threading.enumerate()}
        assert list(read_ahead(lambda execute: iter(range(5)))) == [0, 1, 2, 3, 4]


def test_prepare_keeps_the_classification_of_products_stored_without_a_code(app, runner, population):
    """`prepare` sees products without the newest model's kept classification and runs the backfill once."""
    with app.app_context():
        _forget_classifications()
    check = runner.invoke(args=["prepare", "--no-demo", "--check"])
    assert check.exit_code == 1
    assert "hs-classified: products without a kept classification by hs-" in check.output
    first = runner.invoke(args=["prepare", "--no-demo"])
    assert first.exit_code == 0 and "hs-classified: running…" in first.output, first.output
    with app.app_context():
        version = classifier_version()
        kept = db.session.scalars(select(Product.classified_by).where(Product.hs_code.is_(None))).all()
    assert kept and set(kept) == {version}
    again = runner.invoke(args=["prepare", "--no-demo", "--check"])
    assert again.exit_code == 0 and "hs-classified: nothing to do" in again.output, again.output
