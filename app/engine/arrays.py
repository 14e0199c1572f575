"""numpy for the rule functions, imported at their first use so that start-up stays free of it
(tests/api/test_startup.py): `from app.engine.arrays import np` and use `np` as usual."""

from __future__ import annotations


class _Numpy:
    """Stands for the numpy module; the first attribute read imports it and copies its names here."""

    def __getattr__(self, name: str):
        import numpy

        self.__dict__.update(vars(numpy))
        return getattr(numpy, name)


np = _Numpy()
