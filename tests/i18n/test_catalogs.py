"""The translation catalogs: complete for Indonesian, compiled files in step with their sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "app" / "translations"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "lazy_gettext": None,
    "_l": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}


def _source_messages() -> set[str]:
    """Every msgid the code and templates use, extracted as `make translations` does."""
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    found = set()
    for _, _, message, *_ in extract_from_dir(str(ROOT / "app"), method_map=method_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _key(value):
    """Plural messages (lists in compiled catalogs, tuples in sources) as tuples, so both compare."""
    return tuple(value) if isinstance(value, list | tuple) else value


def _translated(message) -> bool:
    """Whether a message has a translation (pybabel compiles an untranslated plural as its msgid)."""
    if isinstance(message.string, list | tuple):
        return any(message.string) and _key(message.string) != _key(message.id)
    return bool(message.string)


def _catalog(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def test_every_string_of_the_pages_has_an_indonesian_translation():
    catalog = _catalog("id")
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string}
    missing = sorted(_source_messages() - translated)
    assert not missing, f"run `make translations` and translate in id/messages.po: {missing[:20]}"


@pytest.mark.parametrize("locale", ["id", "en"])
def test_compiled_catalog_matches_its_source(locale):
    source = _catalog(locale)
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        compiled = read_mo(handle)
    expected = {_key(m.id): _key(m.string) for m in source if m.id and _translated(m) and not m.fuzzy}
    actual = {_key(m.id): _key(m.string) for m in compiled if m.id and _translated(m)}
    assert actual == expected, "run `make translations` (pybabel compile) after editing a .po file"
