"""The sign-in page: no open redirect through `next`, no account enumeration in its messages."""

from __future__ import annotations

import pytest

PASSWORD = "kopi-gayo-2026"


@pytest.mark.parametrize(
    "query",
    [
        "/%09/evil.example/",
        "/%0d/evil",
        "/%0a/evil.example",
        "/%20/evil.example",
        "%2F%2Fevil.example",
        "/%5C/evil.example",
        "/%E3%80%80/evil.example",
        "javascript:alert(1)",
        "///evil.example",
    ],
)
def test_next_with_control_characters_or_another_host_lands_on_the_default_page(client, make_user, query):
    """Tabs and line breaks (which browsers drop) or encoded slashes never leave the site; never a 500."""
    user, _ = make_user("advisor", password=PASSWORD)
    response = client.post(f"/login?next={query}", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/cases"


def test_a_local_next_is_still_followed(client, make_user):
    """A plain path on this site (with a query string) is where the user lands."""
    user, _ = make_user("advisor", password=PASSWORD)
    response = client.post(
        "/login?next=/cases%3Fstatus%3Dall", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/cases?status=all"


def _page(response, email: str) -> str:
    """The page's text with the typed-in address blanked out (the form shows it again)."""
    return response.get_data(as_text=True).replace(email, "EMAIL")


def test_the_page_says_the_same_for_locked_unknown_and_deactivated_accounts(app, client, make_user, runner):
    """Lock-out and deactivation are not revealed: an unknown address reads the same page."""
    locked, _ = make_user("advisor", password=PASSWORD)
    for _ in range(app.config["LOGIN_MAX_FAILED_ATTEMPTS"]):
        client.post("/login", data={"email": locked.email, "password": "salah-sekali"})
    inactive, _ = make_user("advisor", password=PASSWORD)
    assert runner.invoke(args=["users", "deactivate", inactive.email]).exit_code == 0
    emails = {"locked": locked.email, "deactivated": inactive.email, "unknown": "nobody@example.id"}
    pages = {
        name: client.post("/login", data={"email": email, "password": PASSWORD})
        for name, email in emails.items()
    }
    assert {page.status_code for page in pages.values()} == {401}
    texts = {name: _page(page, emails[name]) for name, page in pages.items()}
    assert texts["locked"] == texts["deactivated"] == texts["unknown"]
    assert "dinonaktifkan" not in texts["deactivated"] and "deactivated" not in texts["deactivated"]
