"""Row validation for batch input: `IkmProfileSchema`'s rules, compiled from the schema into plain Python.

`app/schemas/ikm.py` (marshmallow) is the one declaration of contract.md's profile rules; the API and the
bulk import load with it. Loading a row with `Schema.load` costs about 0.15 ms, more than assessing the
row, most of it marshmallow's machinery (hooks, error store, partial and unknown options, a new dict per
level) rather than the rules. So `compile_schema` walks the schema's declared fields once, at first use,
and builds one plain-Python check per field from what it finds: required and allow_none, the field's own
`_deserialize` (String, CleanString, StrictInteger, Float, Boolean, Date, Email…: marshmallow's code and
the project's field classes, called directly), the field's validators (Length, Range, OneOf, Regexp,
Email, custom functions such as `hs_code_exists`: the same objects, called directly), `List` with its
inner field and `Nested` schemas (compiled the same way), the schema's `@validates` methods and its
`@validates_schema` methods (founded_on by `vocabulary.founded_on_problem`, the kecamatan inside its
region), called on the loaded values as `Schema.load` calls them. A schema with load hooks or options the
compiler does not translate (pre_load, post_load, unknown other than RAISE, many) is loaded with
marshmallow for that part: correct, only slower. No rule is written here, so a field added to or changed
in the schema changes both paths. `tests/engine/test_validation.py` checks the compiler against
`Schema.load` with a hypothesis property test over mutated demo profiles.

The input domain is what `json.loads` and the CSV reader produce (dict, list, str, int, float, bool,
None). The accepted profile is the input in JSON style: where the schema converts a value the profile
carries the converted value (Boolean words become True/False, numeric strings in `monthly_capacity`
become floats, the clean text fields are trimmed, ISO dates in another accepted form such as `20270801`
become `YYYY-MM-DD`), but dates stay ISO strings, a number the schema only re-types (10 → 10.0) is kept
as given, load defaults are not added (`hs_code`, `certifications`, `target_markets`; the engine reads
absent as empty), and an input that needs no conversion is returned as the same object, uncopied.

Errors are (dotted field path, message) pairs with the schema's paths (`products.0.hs_code`,
`group._schema` for a non-object, `target_markets.3`) and marshmallow's messages. `row_validator()` asks
the schema itself for the messages of the rows the compiled check rejects, so rejects carry exactly the
API's wording and grouping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA
from marshmallow.utils import is_collection

Errors = list[tuple[str, str]]
Validator = Callable[[object], tuple[dict | None, Errors]]
Check = Callable[[Any], Any]
# A container's check returns (output in JSON style, loaded value as Schema.load has it).
ContainerCheck = Callable[[Any], tuple[Any, Any]]


class _Invalid(Exception):
    """A value's errors as (path relative to the value, message); the path None is the value itself."""

    def __init__(self, errors: list[tuple[str | None, str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _nest(key: object, errors: list[tuple[str | None, str]]) -> list[tuple[str, str]]:
    """Prefix relative error paths with a field name or list index."""
    return [(str(key) if path is None else f"{key}.{path}", message) for path, message in errors]


def _relative(messages: Any) -> list[tuple[str | None, str]]:
    """A ValidationError's messages as relative (path, message) pairs (a list of strings is the value)."""
    if isinstance(messages, dict):
        pairs: list[tuple[str | None, str]] = []
        for key, value in messages.items():
            pairs.extend(_nest(key, _relative(value)))
        return pairs
    if isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        return [(None, message) for message in messages]
    return [(None, str(messages))]


def _json_style(raw: Any, loaded: Any) -> Any:
    """The loaded scalar as the engine reads it: dates as ISO strings, numbers only re-typed kept as given."""
    if loaded is raw:
        return raw
    kind = type(loaded)
    if kind is date:
        text = loaded.isoformat()
        return raw if text == raw else text
    if (kind is int or kind is float) and (type(raw) is int or type(raw) is float) and loaded == raw:
        return raw
    return loaded


# --- fields -----------------------------------------------------------------------------------------------


def _run_validators(field: fields.Field, loaded: Any) -> None:
    """The field's validators on its loaded value as Field._validate runs them (all messages on a failure)."""
    try:
        field._validate(loaded)
    except ValidationError as error:
        raise _Invalid(_relative(error.messages)) from None


def _unchanged_kind(field: fields.Field) -> tuple[type | None, bool]:
    """(type, finite only) of the values the field's `_deserialize` returns as they are, when it is
    marshmallow's own method; (None, False) otherwise, so the field's `_deserialize` is always called.

    A project field class that overrides the method (CleanString) is always called. str for String, int
    for Integer, a finite float for Float (any float with allow_nan), bool for a Boolean that loads True
    and False as themselves.
    """
    kind = type(field)
    if isinstance(field, fields.String) and kind._deserialize is fields.String._deserialize:
        return str, False
    numeric = kind._deserialize is fields.Number._deserialize
    if isinstance(field, fields.Integer) and numeric and kind._validated is fields.Integer._validated:
        return int, False
    if isinstance(field, fields.Float) and numeric and kind._validated is fields.Float._validated:
        return float, not field.allow_nan
    if isinstance(field, fields.Boolean) and kind._deserialize is fields.Boolean._deserialize:
        try:
            if (
                field._deserialize(True, None, None) is True
                and field._deserialize(False, None, None) is False
            ):
                return bool, False
        except ValidationError:
            pass
    return None, False


def _passes(validator: Any) -> Callable[[Any], bool] | None:
    """A marshmallow validator as a test that is True exactly when the validator would not raise.

    Length, Range, OneOf and Regexp (these classes exactly) from their own attributes; None for any other
    validator (Email, a custom function), which is called as it is. A test that raises counts as False.
    """
    kind = type(validator)
    if kind is validate.OneOf:
        try:
            choices = frozenset(validator.choices)
        except TypeError:
            return None
        return choices.__contains__
    if kind is validate.Range:
        low, high = validator.min, validator.max
        low_in, high_in = validator.min_inclusive, validator.max_inclusive
        if low is not None and high is not None and low_in and high_in:
            return lambda value: low <= value <= high

        def in_range(value: Any) -> bool:
            if low is not None and (value < low if low_in else value <= low):
                return False
            return high is None or not (value > high if high_in else value >= high)

        return in_range
    if kind is validate.Length:
        equal, shortest, longest = validator.equal, validator.min, validator.max
        if equal is not None:
            return lambda value: len(value) == equal
        return lambda value: (
            (shortest is None or len(value) >= shortest) and (longest is None or len(value) <= longest)
        )
    if kind is validate.Regexp:
        match = validator.regex.match
        return lambda value: match(value) is not None
    return None


def _scalar_check(field: fields.Field, name: str, remember: bool = False) -> Check:
    """A scalar field: its own `_deserialize` (skipped where it would return the value as it is), then its
    validators (Length, Range, OneOf, Regexp as tests; the others called); returns the loaded value."""
    if getattr(field, "pre_load", None) or getattr(field, "post_load", None):
        return _field_fallback(field, name)
    deserialize = field._deserialize
    exact, finite = _unchanged_kind(field)
    tests, called = _tests(field, remember)
    if not finite and not called and len(tests) <= 1:  # the common shapes, with fewer steps
        return _lean_check(field, name, exact, tests[0] if tests else None)
    validated = _validated_by(field, tests, called)

    def check(value: Any) -> Any:
        if type(value) is exact and (not finite or value - value == 0.0):  # 0.0: not nan or ±inf
            loaded = value
        else:
            try:
                loaded = deserialize(value, name, None)
            except ValidationError as error:
                raise _Invalid(_relative(error.messages)) from None
        if validated is not None:
            validated(loaded)
        return loaded

    return check


def _lean_check(field: fields.Field, name: str, exact: type | None, test: Callable | None) -> Check:
    """_scalar_check for a field with at most one test, no called validator and no finite-float rule."""
    deserialize = field._deserialize

    def loaded_value(value: Any) -> Any:
        try:
            return deserialize(value, name, None)
        except ValidationError as error:
            raise _Invalid(_relative(error.messages)) from None

    if test is None:
        return lambda value: value if type(value) is exact else loaded_value(value)

    def check(value: Any) -> Any:
        loaded = value if type(value) is exact else loaded_value(value)
        try:
            passed = test(loaded)
        except Exception:  # a test that cannot compare: the field's validators decide
            passed = False
        if not passed:
            _run_validators(field, loaded)
        return loaded

    return check


def _tests(field: fields.Field, remember: bool = False) -> tuple[tuple, tuple]:
    """The field's validators as (tests, validators to call): Length, Range, OneOf and Regexp as tests;
    with `remember`, each called validator skips the values it has already accepted (see _remembered)."""
    validators = tuple(field.validators)
    tests = tuple(_passes(validator) for validator in validators)
    called = tuple(
        _remembered(validator) if remember else validator
        for validator, test in zip(validators, tests, strict=True)
        if test is None
    )
    return tuple(test for test in tests if test is not None), called


def _remembered(validator: Callable, limit: int = 100_000) -> Callable:
    """A validator that skips a (type, value) it has already accepted, for one batch.

    A batch runs under one policy on one day, and a field validator's verdict depends on the value, the
    policy in force (codes, countries) and the date only, so a value it accepted once it accepts again:
    a batch of 100,000 rows names a few hundred country, HS and certificate codes and years. Values it
    refuses are checked every time (they raise). At most `limit` values are remembered.
    """
    accepted: set = set()

    def call(value: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            key = (type(value), value)
            if key in accepted:
                return value
        except TypeError:  # unhashable: always called
            return validator(value, *args, **kwargs)
        result = validator(value, *args, **kwargs)
        if len(accepted) < limit:
            accepted.add(key)
        return result

    return call


def _validation(field: fields.Field) -> Callable[[Any], None] | None:
    """The field's validators on a loaded value (None when it has none); on any failure Field._validate
    itself decides and gives all its messages."""
    return _validated_by(field, *_tests(field))


def _validated_by(field: fields.Field, tests: tuple, called: tuple) -> Callable[[Any], None] | None:
    """Run the tests, then the called validators, on a loaded value (None when there are none); on any
    failure Field._validate itself decides and gives all its messages."""
    if not (tests or called):
        return None

    def validated(loaded: Any) -> None:
        try:
            for test in tests:
                if not test(loaded):
                    raise ValueError
            for validator in called:
                validator(loaded)
        except Exception:  # a failed test, a test that cannot compare, or a validator's error
            _run_validators(field, loaded)

    return validated


def _field_fallback(field: fields.Field, name: str) -> Check:
    """A field the compiler does not translate: marshmallow's own Field.deserialize."""

    def check(value: Any) -> Any:
        try:
            return field.deserialize(value, name, None)
        except ValidationError as error:
            raise _Invalid(_relative(error.messages)) from None

    return check


def _container_check(field: fields.Field, name: str, remember: bool = False) -> ContainerCheck | None:
    """A Nested or List field as a container check, or None for a scalar field."""
    if isinstance(field, fields.Nested):
        return _nested_check(field, name, remember)
    if isinstance(field, fields.List):
        return _list_check(field, name, remember)
    return None


def _nested_check(field: fields.Nested, name: str, remember: bool = False) -> ContainerCheck:
    """fields.Nested: the nested schema compiled, then the field's own validators on the loaded dict."""
    schema = field.schema
    if field.many or schema.many or field.unknown not in (None, RAISE):
        whole = _field_fallback(field, name)

        def loaded_by_marshmallow(value: Any) -> tuple[Any, Any]:
            loaded = whole(value)
            return _json_tree(value, loaded), loaded

        return loaded_by_marshmallow
    inner = compile_schema(schema, remember)
    validated = _validation(field)
    if validated is None:
        return inner

    def check(value: Any) -> tuple[Any, Any]:
        output, loaded = inner(value)
        validated(loaded)
        return output, loaded

    return check


def _list_check(field: fields.List, name: str, remember: bool = False) -> ContainerCheck:
    """fields.List: every item by the inner field first; the list's validators only when all are valid."""
    inner_field = field.inner
    container = _container_check(inner_field, name, remember)
    scalar = None if container is not None else _scalar_check(inner_field, name, remember)
    allow_none = inner_field.allow_none
    null = inner_field.error_messages["null"]
    invalid = field.error_messages["invalid"]
    validated = _validation(field)

    def check(value: Any) -> tuple[Any, Any]:
        if type(value) is not list and not is_collection(value):
            raise _Invalid([(None, invalid)])
        errors: list[tuple[str | None, str]] = []
        loaded_items = []
        changed = None
        for index, element in enumerate(value):
            if element is None:
                if not allow_none:
                    errors.append((str(index), null))
                loaded_items.append(None)
                continue
            try:
                if container is not None:
                    output, loaded = container(element)
                else:
                    loaded = scalar(element)
                    output = element if loaded is element else _json_style(element, loaded)
            except _Invalid as error:
                errors.extend(_nest(index, error.errors))
                continue
            loaded_items.append(loaded)
            if output is not element:
                changed = changed or {}
                changed[index] = output
        if errors:
            raise _Invalid(errors)
        if validated is not None:
            validated(loaded_items)
        output = value if changed is None else [changed.get(i, item) for i, item in enumerate(value)]
        return output, loaded_items

    return check


def _json_tree(raw: Any, loaded: Any) -> Any:
    """_json_style over a loaded tree (for the parts loaded by marshmallow itself)."""
    if isinstance(loaded, dict) and isinstance(raw, Mapping):
        return {key: _json_tree(raw.get(key), item) for key, item in loaded.items() if key in raw}
    if isinstance(loaded, list) and isinstance(raw, list) and len(raw) == len(loaded):
        return [_json_tree(item, new) for item, new in zip(raw, loaded, strict=True)]
    return _json_style(raw, loaded)


# --- schemas ----------------------------------------------------------------------------------------------


def compile_schema(schema: Schema, remember: bool = False) -> ContainerCheck:
    """A plain-Python check equal to `schema.load` (unknown fields refused): value → (output, loaded)."""
    if not _translatable(schema):
        return _schema_fallback(schema)
    specs = {key: _field_spec(field, key, remember) for key, field in _data_keys(schema)}
    required = [
        (key, field.error_messages["required"]) for key, field in _data_keys(schema) if field.required
    ]
    defaults = [
        (key, field.load_default)
        for key, field in _data_keys(schema)
        if not field.required and field.load_default is not fields.missing_
    ]
    validators = _schema_hooks(schema, remember)
    unknown = schema.error_messages["unknown"]
    not_object = schema.error_messages["type"]

    def check(value: Any) -> tuple[Any, Any]:
        if type(value) is not dict and not isinstance(value, Mapping):
            raise _Invalid([("_schema", not_object)])
        errors: list[tuple[str | None, str]] = []
        loaded: dict = {}
        changed = None
        for key, item in value.items():
            spec = specs.get(key)
            if spec is None:
                errors.append((str(key), unknown))
                continue
            scalar, container, allow_none, null = spec
            if item is None:
                if allow_none:
                    loaded[key] = None
                else:
                    errors.append((key, null))
                continue
            try:
                if container is None:
                    new = scalar(item)
                    output = item if new is item else _json_style(item, new)
                else:
                    output, new = container(item)
            except _Invalid as error:
                errors.extend(_nest(key, error.errors))
                continue
            loaded[key] = new
            if output is not item:
                changed = changed or {}
                changed[key] = output
        _after_fields(value, loaded, errors, required, defaults, validators)
        if errors:
            raise _Invalid(errors)
        return (value if changed is None else {**value, **changed}), loaded

    return check


def _translatable(schema: Schema) -> bool:
    """False for a schema with load hooks, options or attribute names the compiler does not translate."""
    hooks = schema._hooks
    if hooks[PRE_LOAD] or hooks[POST_LOAD] or schema.unknown != RAISE or schema.many or schema.partial:
        return False
    return all(
        (field.attribute or name) == (field.data_key or name) for name, field in schema.load_fields.items()
    )


def _data_keys(schema: Schema) -> list[tuple[str, fields.Field]]:
    """The schema's load fields by the key they have in the input."""
    return [(field.data_key or name, field) for name, field in schema.load_fields.items()]


def _field_spec(field: fields.Field, key: str, remember: bool) -> tuple:
    """One field of an object: (scalar check, container check, None allowed, null message)."""
    container = _container_check(field, key, remember)
    scalar = _scalar_check(field, key, remember) if container is None else None
    return scalar, container, field.allow_none, field.error_messages["null"]


def _schema_hooks(schema: Schema, remember: bool) -> tuple[list, list] | None:
    """The schema's @validates methods by data key and its @validates_schema methods, or None."""
    field_validators = [
        (
            schema.load_fields[name].data_key or name,
            _remembered(getattr(schema, attr_name)) if remember else getattr(schema, attr_name),
        )
        for attr_name, _, options in schema._hooks[VALIDATES]
        for name in options["field_names"]
        if name in schema.load_fields
    ]
    schema_validators = [
        (getattr(schema, attr_name), options.get("pass_original", False), options["skip_on_field_errors"])
        for attr_name, _, options in sorted(schema._hooks[VALIDATES_SCHEMA], key=lambda hook: not hook[1])
    ]
    return (field_validators, schema_validators) if field_validators or schema_validators else None


def _after_fields(raw, loaded: dict, errors: list, required, defaults, validators) -> None:
    """Required fields that are absent, then the schema's validators (when it has any)."""
    for key, message in required:
        if key not in raw:
            errors.append((key, message))
    if validators is not None:
        _call_validators(raw, loaded, errors, defaults, *validators)


def _call_validators(raw, loaded: dict, errors: list, defaults, field_validators, schema_validators) -> None:
    """The schema's @validates methods on loaded values, then (without field errors) its @validates_schema;
    the loaded values include the load defaults of absent fields, as Schema.load passes them."""
    for key, default in defaults:
        if key not in raw:
            loaded[key] = default() if callable(default) else default
    for key, method in field_validators:
        if key in loaded:
            try:
                method(loaded[key], data_key=key)
            except ValidationError as error:
                errors.extend(_nest(key, _relative(error.messages)))
    field_errors = bool(errors)
    for method, pass_original, skip_on_field_errors in schema_validators:
        if field_errors and skip_on_field_errors:
            continue
        try:
            if pass_original:
                method(loaded, raw, partial=None, many=False, unknown=RAISE)
            else:
                method(loaded, partial=None, many=False, unknown=RAISE)
        except ValidationError as error:
            messages = error.messages
            if isinstance(messages, dict):
                errors.extend(_relative(messages))
            else:
                errors.extend(_nest(error.field_name, _relative(messages)))


def _schema_fallback(schema: Schema) -> ContainerCheck:
    """A schema the compiler does not translate: loaded by marshmallow, output in JSON style."""
    keys = {field.attribute or name: field.data_key or name for name, field in schema.load_fields.items()}

    def check(value: Any) -> tuple[Any, Any]:
        try:
            loaded = schema.load(value)
        except ValidationError as error:
            raise _Invalid(_relative(error.messages)) from None
        by_key = {keys.get(name, name): item for name, item in loaded.items()}  # attribute → input key
        return _json_tree(value, by_key), loaded

    return check


# --- the profile ------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _profile_check() -> ContainerCheck:
    """IkmProfileSchema compiled (once per process; its validators read the policy in force when called)."""
    from app.schemas.ikm import IkmProfileSchema

    return compile_schema(IkmProfileSchema())


def validate_profile(profile: object) -> tuple[dict | None, Errors]:
    """Check a profile as IkmProfileSchema does: (profile as the engine reads it, []) or (None, errors)."""
    return _validate_with(_profile_check(), profile)


def _validate_with(check: ContainerCheck, profile: object) -> tuple[dict | None, Errors]:
    """validate_profile with the compiled check already chosen (a batch chooses it once)."""
    try:
        return check(profile)[0], []
    except _Invalid as error:
        return None, [("_schema" if path is None else path, message) for path, message in error.errors]


# --- the schema itself, and the validator the batch CLI uses ---------------------------------------------


def _flatten_messages(messages, prefix: str | None = None) -> Errors:
    """Marshmallow's nested error dict as (dotted path, message) pairs (an empty field name stays "")."""
    flat: Errors = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            flat.extend(_flatten_messages(value, str(key) if prefix is None else f"{prefix}.{key}"))
    elif isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        flat.extend(("_schema" if prefix is None else prefix, message) for message in messages)
    else:
        flat.append(("_schema" if prefix is None else prefix, str(messages)))
    return flat


def schema_validator() -> Validator:
    """A validator that loads each profile with app.schemas.ikm.IkmProfileSchema itself."""
    from app.schemas.ikm import IkmProfileSchema

    schema = IkmProfileSchema()

    def validate(profile: object) -> tuple[dict | None, Errors]:
        """Load one profile with the schema; (loaded profile, []) or (None, flattened errors)."""
        if not isinstance(profile, dict):
            return None, [("_schema", "profile must be a JSON object")]
        try:
            return schema.load(profile), []
        except ValidationError as error:
            return None, _flatten_messages(error.messages)

    return validate


def row_validator(kind: str = "engine") -> Validator:
    """The batch row validator: "engine" (the compiled schema, its own messages for rejects) or "schema"."""
    schema = schema_validator()
    if kind == "schema":
        return schema
    from app.schemas.ikm import IkmProfileSchema

    check = compile_schema(IkmProfileSchema(), remember=True)  # this batch: one policy, one day

    def validate(profile: object) -> tuple[dict | None, Errors]:
        """The compiled check for every row; the schema's verdict and messages for the rows it rejects."""
        accepted, errors = _validate_with(check, profile)
        return (accepted, []) if not errors else schema(profile)

    return validate
