"""`flask --app wsgi users …`: create prints the token alone on its last line; demo is idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from app.models.user import ROLES


def _bearer(token: str) -> dict:
    """Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def test_users_create_prints_a_working_token_alone_on_the_last_line(runner, client):
    """contract.md "Command line": the last line is the token, usable at once."""
    result = runner.invoke(
        args=["users", "create", "Kab.AcehTengah@Example.go.id", "--role", "district", "--region", "11.17"]
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("ovop_") and " " not in token
    me = client.get("/api/v1/me", headers=_bearer(token)).json
    assert me["email"] == "kab.acehtengah@example.go.id"
    assert me["role"] == "district" and me["region_code"] == "11.17"


def test_users_create_links_an_owner_to_an_ikm(runner, client, auth):
    """--ikm ID links an owner account to its IKM."""
    from tests.profiles import gayo

    ikm_id = client.post("/api/v1/ikms", json=gayo(), headers=auth("admin")).json["id"]
    result = runner.invoke(
        args=["users", "create", "sari@example.id", "--role", "owner", "--ikm", str(ikm_id)]
    )
    token = result.output.strip().splitlines()[-1]
    assert client.get(f"/api/v1/ikms/{ikm_id}", headers=_bearer(token)).status_code == 200


def test_users_create_refuses_bad_input_with_a_message_and_creates_nothing(runner, app):
    """A district without a region, an unknown region, a duplicate e-mail: exit 1 and a reason."""
    cases = [
        (["users", "create", "a@example.id", "--role", "district"], "region"),
        (["users", "create", "a@example.id", "--role", "district", "--region", "99.99"], "region"),
        (["users", "create", "a@example.id", "--role", "province", "--region", "11.17"], "region"),
        (["users", "create", "not-an-email", "--role", "advisor"], "email"),
        (["users", "create", "a@example.id", "--role", "owner", "--ikm", "424242"], "ikm"),
    ]
    for args, field in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 1 and field in result.output, (args, result.output)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert runner.invoke(args=["users", "create", "a@example.id", "--role", "advisor"]).exit_code == 0
    duplicate = runner.invoke(args=["users", "create", "A@example.id", "--role", "advisor"])
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output


def test_users_demo_creates_one_account_per_role_and_prints_the_same_logins_every_run(runner, app, client):
    """Idempotent: a second run creates nothing new and prints identical, working logins."""
    first = runner.invoke(args=["users", "demo"])
    second = runner.invoke(args=["users", "demo"])
    assert first.exit_code == 0 and first.output == second.output
    with app.app_context():
        roles = db.session.scalars(select(User.role)).all()
    assert sorted(roles) == sorted(ROLES)
    tokens = [line.split("token ")[1] for line in first.output.splitlines() if " token " in line]
    assert len(tokens) == len(ROLES)
    assert {client.get("/api/v1/me", headers=_bearer(token)).json["role"] for token in tokens} == set(ROLES)
    passwords = {
        line.split()[1]: line.split("password ")[1].split()[0]
        for line in first.output.splitlines()
        if " password " in line
    }
    with app.app_context():
        from app.services.users import authenticate

        for email, password in passwords.items():
            assert authenticate(email, password).email == email


def test_revoking_an_accounts_tokens_from_the_command_line(runner, client):
    """users revoke-tokens EMAIL: every token of the account stops working."""
    token = runner.invoke(args=["users", "create", "x@example.id", "--role", "advisor"]).output.split()[-1]
    second = runner.invoke(args=["users", "token", "x@example.id"]).output.split()[-1]
    assert client.get("/api/v1/me", headers=_bearer(second)).status_code == 200
    result = runner.invoke(args=["users", "revoke-tokens", "x@example.id"])
    assert result.exit_code == 0 and "revoked 2" in result.output
    for revoked in (token, second):
        assert client.get("/api/v1/me", headers=_bearer(revoked)).status_code == 401
