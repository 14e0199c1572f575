"""What the app builds at first use rather than at start-up: the policy and the OpenAPI spec.

A command that needs neither (`flask --help`, `users …`, `db …`) does not pay for them; gunicorn builds
both in its master process before forking (`warm_up`), so every worker shares one copy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask
from flask_smorest import Api
from flask_smorest.spec import openapi_cli


class LazyExtensions(dict):
    """`app.extensions` whose entries declared with `lazy(name, factory)` are made at first read.

    `extensions[name]`, `name in extensions` and `extensions.get(name)` see a lazy entry; the factory runs
    once per process (threads wait for it under a lock). Assigning the entry replaces it (tests do).
    """

    def __init__(self, *args, **kwargs) -> None:
        """A dict as usual, with no lazy entry yet."""
        super().__init__(*args, **kwargs)
        self._factories: dict[str, Callable[[], object]] = {}
        self._lock = threading.RLock()

    def lazy(self, name: str, factory: Callable[[], object]) -> None:
        """Declare the entry `name`, made by calling `factory()` the first time it is read."""
        self.pop(name, None)
        self._factories[name] = factory

    def __missing__(self, name: str) -> object:
        """Make a lazy entry (once, under the lock); any other missing name is a KeyError."""
        if name not in self._factories:
            raise KeyError(name)
        with self._lock:
            if not dict.__contains__(self, name):
                self[name] = self._factories[name]()
        return dict.__getitem__(self, name)

    def __contains__(self, name: object) -> bool:
        """True for a made entry and for a lazy one not made yet."""
        return dict.__contains__(self, name) or name in self._factories

    def get(self, name: str, default: object = None) -> object:
        """The entry (made now if it is lazy), or default."""
        return self[name] if name in self else default  # noqa: SIM401  (dict.get skips __missing__)


class LazySpecApi(Api):
    """flask-smorest's Api whose OpenAPI spec is built at first use (openapi.json, the docs page, `flask
    openapi`), not in create_app: the blueprints and their routes are registered at once as usual, their
    documentation is added to the spec, in the same order, when the spec is first read."""

    def __init__(self, *args, **kwargs) -> None:
        """An Api with no spec built and no blueprint documentation waiting."""
        self._spec_lock = threading.RLock()
        self._spec_kwargs: dict | None = None
        self._undocumented: list[tuple] = []
        super().__init__(*args, **kwargs)

    @property
    def spec(self):
        """The APISpec, built on first read from the spec options and every registered blueprint."""
        if self._spec is None and self._spec_kwargs is not None:
            with self._spec_lock:
                if self._spec is None:
                    self._build_spec()
        return self._spec

    @spec.setter
    def spec(self, value) -> None:
        """Set by flask-smorest while it builds the spec."""
        self._spec = value

    def _init_spec(self, **spec_kwargs) -> None:
        """At init_app: remember the spec options for later; add the `flask openapi` commands now."""
        self._spec = None
        self._spec_kwargs = spec_kwargs
        self._undocumented = []
        self._app.cli.add_command(openapi_cli)

    def register_blueprint(self, blp, *, parameters=None, **options) -> None:
        """Register the blueprint's routes now and its documentation when the spec is built."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))
        if self._spec is not None:
            self._document_blueprints()

    def _build_spec(self) -> None:
        """flask-smorest's own spec building, then each blueprint's documentation in registration order."""
        super()._init_spec(**self._spec_kwargs)
        self._document_blueprints()

    def _document_blueprints(self) -> None:
        """Add the waiting blueprints' views and tags to the spec (as Api.register_blueprint does)."""
        while self._undocumented:
            blp, name, parameters = self._undocumented.pop(0)
            blp.register_views_in_doc(self, self._app, self._spec, name=name, parameters=parameters)
            self._spec.tag({"name": name, "description": blp.description})


def warm_up(app: Flask) -> None:
    """Make now what is otherwise made at first use in each process (gunicorn calls this before forking):
    the policy, the spec and the reference tables that validation reads, so the workers share them."""
    from app import reference
    from app.extensions import api

    if "policy" in app.extensions:
        app.extensions["policy"]  # reading them makes them
    if api._app is app:
        api.spec  # noqa: B018
    for table in (reference.regency_codes, reference.region_names, reference.kecamatan_names):
        table()
    reference.hs6_descriptions()
    with app.app_context():
        reference.country_codes()
