"""Fixtures for bulk imports."""

from __future__ import annotations

import io

import pytest


@pytest.fixture
def district(auth):
    """Headers of the Aceh Tengah (11.17) district office."""
    return auth("district", region="11.17")


@pytest.fixture
def upload(client):
    """POST a file to /api/v1/imports: `upload(content, headers, filename="ikm.csv", **query)`."""

    def _upload(content: bytes, headers: dict, filename: str = "ikm.csv", **query):
        query_string = "&".join(f"{key}={value}" for key, value in query.items())
        return client.post(
            f"/api/v1/imports?{query_string}",
            data={"file": (io.BytesIO(content), filename)},
            content_type="multipart/form-data",
            headers=headers,
        )

    return _upload
