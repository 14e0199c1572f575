"""The one error shape for the API, HTML pages for browsers, and the health check."""

from app.extensions import db


def test_healthz_answers_200_when_the_database_answers(client):
    """GET /healthz checks the database and says which models are loaded."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok" and response.json["database"] == "ok"
    assert set(response.json["models"]) == {"hs_classifier", "triage"}


def test_healthz_answers_503_with_a_reason_when_the_database_fails(app, client, monkeypatch):
    """A database error makes the health check 503, with the reason and no stack trace."""

    def broken(*args, **kwargs):
        raise ConnectionError("no route to database")

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable" and "ConnectionError" in response.json["reason"]


def test_an_unknown_api_path_answers_json_404(client):
    """API clients always get JSON."""
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.is_json
    assert set(response.json) == {"code", "status", "message", "errors"}


def test_a_wrong_method_answers_405_in_the_error_shape(client):
    """DELETE is not offered on IKM: 405 JSON with Allow."""
    response = client.delete("/api/v1/ikms")
    assert response.status_code == 405 and response.json["code"] == 405
    assert "GET" in response.headers["Allow"]


def test_a_browser_gets_an_html_404_page_in_its_language(client):
    """Pages answer HTML errors in Bahasa Indonesia by default, in English when the browser asks for it."""
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "tidak ditemukan" in page and "not found" not in page
    english = client.get("/no-such-page", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert "was not found" in english.get_data(as_text=True)


def test_an_unexpected_error_rolls_back_and_hides_the_stack_trace(client, monkeypatch, auth):
    """A bug answers 500 in the error shape, without internals."""
    from app.services import ikms

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(ikms, "list_ikms", boom)
    response = client.get("/api/v1/ikms", headers=auth("admin"))
    assert response.status_code == 500
    assert "secret internal detail" not in response.get_data(as_text=True)
    assert response.json["code"] == 500


def test_the_openapi_spec_and_swagger_ui_are_served_without_a_cdn(client):
    """/api/v1/openapi.json and /api/v1/docs, with vendored Swagger UI assets."""
    spec = client.get("/api/v1/openapi.json").json
    assert spec["info"]["version"] == "v1" and "/api/v1/ikms" in spec["paths"]
    docs = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/static/swagger-ui/swagger-ui-bundle.js" in docs
    asset = client.get("/static/swagger-ui/swagger-ui-bundle.js")
    assert asset.status_code == 200
    asset.close()
