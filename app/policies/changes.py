"""Changes to a policy as data: applied to the YAML documents of a base version, then loaded and validated
by the engine's own loader (`load_policy`), so a changed policy is checked like the files themselves.

A change is one mapping (in JSON, or a YAML file's `changes:` list):

- `requirement: ID` (a row of requirements.yaml), `criterion: PROGRAMME.NAME` (programmes.yaml),
  `programme: CODE`, `product_class: NAME` or `parameter: FILE:dotted.path` (any value of any policy file;
  list items are named by their `id`, `code`, `name` or `size_class`, or by position);
- with one of `value: X` (replace it), `set: {key: value}` (replace keys), `params: {key: value}` (replace a
  criterion's parameters), `unset: [key, …]` or `remove: true`;
- or `add_requirement: {…row…}`, `add_criterion: {programme: CODE, criterion: {…}}`,
  `add_product_class: {name: NAME, …}` to add.
"""

from __future__ import annotations

import copy
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from app.engine.errors import PolicyError

TARGETS = {
    "requirement": lambda name: ("requirements.yaml", ["requirements", name]),
    "criterion": lambda name: ("programmes.yaml", ["programmes", *_criterion_path(name)]),
    "programme": lambda name: ("programmes.yaml", ["programmes", name]),
    "product_class": lambda name: ("product_classes.yaml", ["classes", name]),
    "parameter": lambda name: _parameter_path(name),
}
OPERATIONS = ("value", "set", "params", "unset", "remove")
NAME_KEYS = ("id", "code", "name", "size_class")


class ChangeError(ValueError):
    """A change that does not fit the policy: names the change (1-based) and the problem."""


def _criterion_path(name: str) -> list:
    programme, dot, criterion = str(name).partition(".")
    if not dot or not programme or not criterion:
        raise ChangeError(f"criterion {name!r} must be PROGRAMME.CRITERION_NAME")
    return [programme, "criteria", criterion]


def _parameter_path(name: str) -> tuple[str, list]:
    file_name, colon, path = str(name).partition(":")
    if not colon or not file_name.endswith(".yaml") or not path:
        raise ChangeError(f"parameter {name!r} must be FILE.yaml:dotted.path")
    return file_name, path.split(".")


def _child(node: Any, key: str, create: bool = False) -> Any:
    """One step down a document: a mapping's key, or the list item named (or numbered) `key`."""
    if isinstance(node, dict):
        if key not in node:
            if not create:
                raise ChangeError(f"no {key!r}")
            node[key] = {}
        return node[key]
    if isinstance(node, list):
        for item in node:
            if isinstance(item, dict) and any(str(item.get(name)) == str(key) for name in NAME_KEYS):
                return item
        if str(key).isdigit() and int(key) < len(node):
            return node[int(key)]
        raise ChangeError(f"no item {key!r}")
    raise ChangeError(f"{key!r} is below a plain value")


def _parent_and_key(document: dict, path: list) -> tuple[Any, Any]:
    node = document
    for key in path[:-1]:
        node = _child(node, key)
    last = path[-1]
    if isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, dict) and any(str(item.get(name)) == str(last) for name in NAME_KEYS):
                return node, index
        if str(last).isdigit() and int(last) < len(node):
            return node, int(last)
        raise ChangeError(f"no item {last!r}")
    if not isinstance(node, dict):
        raise ChangeError(f"{last!r} is below a plain value")
    return node, last


def _add(documents: dict[str, dict], change: dict) -> bool:
    """Apply an addition (requirement row, criterion, product class); False when the change is not one."""
    if "add_requirement" in change:
        documents["requirements.yaml"]["requirements"].append(copy.deepcopy(change["add_requirement"]))
    elif "add_criterion" in change:
        spec = change["add_criterion"] or {}
        programme = _child(documents["programmes.yaml"]["programmes"], spec.get("programme"))
        programme.setdefault("criteria", []).append(copy.deepcopy(spec.get("criterion") or {}))
    elif "add_product_class" in change:
        spec = dict(change["add_product_class"] or {})
        documents["product_classes.yaml"]["classes"][spec.pop("name", None)] = spec
    else:
        return False
    return True


def _apply_one(documents: dict[str, dict], change: dict) -> None:
    """Apply one change to the loaded documents (in place)."""
    if not isinstance(change, dict):
        raise ChangeError("a change must be a mapping")
    if _add(documents, change):
        return
    targets = [kind for kind in TARGETS if kind in change]
    if len(targets) != 1:
        raise ChangeError(f"name exactly one of {', '.join(TARGETS)} or add_requirement / add_criterion")
    file_name, path = TARGETS[targets[0]](change[targets[0]])
    if file_name not in documents:
        raise ChangeError(f"{file_name} is not a policy file")
    operations = [name for name in OPERATIONS if name in change]
    if len(operations) != 1:
        raise ChangeError(f"give exactly one of {', '.join(OPERATIONS)}")
    _operate(*_parent_and_key(documents[file_name], path), operations[0], change)


def _operate(parent, key, operation: str, change: dict) -> None:
    """Replace, merge into, unset keys of or remove the addressed value."""
    if operation == "remove":
        del parent[key]
    elif operation == "value":
        if isinstance(parent, dict) and key not in parent:
            raise ChangeError(f"no {key!r}")
        parent[key] = copy.deepcopy(change["value"])
    else:
        target = parent[key]
        if not isinstance(target, dict):
            raise ChangeError(f"{key!r} is not a mapping")
        if operation == "set":
            target.update(copy.deepcopy(change["set"] or {}))
        elif operation == "params":
            target["params"] = copy.deepcopy(change["params"] or {})
        else:
            for name in change["unset"] or ():
                target.pop(name, None)


def apply_changes(documents: dict[str, dict], changes: list[dict]) -> dict[str, dict]:
    """A copy of the documents with every change applied; ChangeError names the change that does not fit."""
    if not isinstance(changes, list):
        raise ChangeError("changes must be a list")
    changed = copy.deepcopy(documents)
    for number, change in enumerate(changes, start=1):
        try:
            _apply_one(changed, change)
        except ChangeError as error:
            raise ChangeError(f"change {number}: {error}") from None
        except (KeyError, TypeError, AttributeError) as error:
            raise ChangeError(f"change {number}: does not fit the policy ({error})") from None
    return changed


def read_documents(directory: Path) -> dict[str, dict]:
    """The policy files of a directory as parsed YAML, by file name."""
    from app.engine.policy import POLICY_FILES, YAML_LOADER

    return {
        name: yaml.load((directory / name).read_text(encoding="utf-8"), Loader=YAML_LOADER)
        for name in POLICY_FILES
    }


def load_changed(base_directory: Path, changes: list[dict]):
    """The Policy of the base directory with the changes applied, validated by the engine's loader."""
    from app.engine import load_policy

    documents = apply_changes(read_documents(base_directory), changes)
    folder = Path(tempfile.mkdtemp(prefix="ovop-policy-"))
    try:
        policy_dir = folder / "policy"
        policy_dir.mkdir()
        reference = Path(base_directory).resolve().parent / "reference"
        if reference.is_dir():
            (folder / "reference").symlink_to(reference, target_is_directory=True)
        for name, document in documents.items():
            (policy_dir / name).write_text(
                yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
        try:
            return load_policy(policy_dir)
        except PolicyError as error:
            raise ChangeError(re.sub(r"\S*ovop-policy-[^/\s]+/policy/", "", str(error))) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
