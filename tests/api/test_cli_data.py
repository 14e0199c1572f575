"""The data commands: reference loading and the generated demo population, both idempotent."""

from app.extensions import db
from app.models import Assessment, Ikm


def test_load_reference_twice_reports_nothing_new(runner):
    """`flask load-reference` is idempotent."""
    result = runner.invoke(args=["load-reference"])
    assert result.exit_code == 0, result.output
    assert "regencies: 0 created, 0 updated, 514 unchanged" in result.output


def test_seed_demo_twice_creates_the_population_once_with_one_assessment_each(app, runner):
    """`flask seed-demo` loads generated IKM by NIB, assesses each, and a second run changes nothing."""
    first = runner.invoke(args=["seed-demo", "--count", "40", "--seed", "7"])
    assert first.exit_code == 0, first.output
    assert "bukan data nyata" in first.output and "40 created" in first.output
    with app.app_context():
        assert db.session.query(Ikm).count() == 40
        assert db.session.query(Assessment).count() == 40
        assert db.session.query(Ikm).filter(Ikm.nib.like("99%")).count() == 40
    second = runner.invoke(args=["seed-demo", "--count", "40", "--seed", "7"])
    assert second.exit_code == 0 and "0 created, 40 already there" in second.output
    with app.app_context():
        assert db.session.query(Assessment).count() == 40


def test_seed_demo_cases_fills_the_queue_once_and_feeds_the_triage_training_rows(app, runner):
    """Demo cases follow the engine's route; decided ones become synthetic-labelled training rows."""
    from app.models import Application
    from app.services.cases import decision_rows

    assert runner.invoke(args=["seed-demo", "--count", "30", "--seed", "7"]).exit_code == 0
    assert runner.invoke(args=["users", "demo"]).exit_code == 0
    first = runner.invoke(args=["seed-demo-cases", "--count", "20"])
    assert first.exit_code == 0, first.output
    assert "demo cases: 20 opened" in first.output
    second = runner.invoke(args=["seed-demo-cases", "--count", "20"])
    assert "demo cases: 0 opened" in second.output and "20 demo IKM already had one" in second.output
    with app.app_context():
        statuses = {case.status for case in db.session.query(Application)}
        assert db.session.query(Application).count() == 20
        assert "submitted" in statuses and statuses & {"approved", "referred", "rejected"}
        rows = decision_rows()
        decided = db.session.query(Application).filter(Application.decided_at.is_not(None)).count()
        assert len(rows) == decided > 0
        assert all(row["synthetic"] for row in rows)
        assert {row["decision"] for row in rows} <= {"approved", "referred", "rejected"}
        assert {"profile", "assessment", "decided_by"} <= set(rows[0])
