"""Generated demo data: a seeded population of IKM profiles that are NOT real businesses.

Everything produced here is synthetic ("Data demo hasil generator (bukan data nyata)"): names, NIBs (all
starting with "99"), revenues and certificates are drawn from the documented proportions in data/demo/.
Pages and CLI output that show these profiles should display `DEMO_LABEL`.
"""

from pathlib import Path

import yaml

__all__ = ["DEMO_LABEL", "demo_nib_prefix", "generate_profiles", "population_summary", "size_class_of"]

POPULATION_FILE = Path(__file__).resolve().parents[2] / "data" / "demo" / "population.yaml"


def demo_nib_prefix() -> str:
    """The NIB prefix every generated demo IKM carries (data/demo/population.yaml)."""
    return str(yaml.safe_load(POPULATION_FILE.read_text(encoding="utf-8"))["nib_prefix"])


def __getattr__(name: str):
    """Import the generator (numpy) only when one of its names is used (PEP 562)."""
    if name in ("DEMO_LABEL", "generate_profiles", "population_summary", "size_class_of"):
        from app.demo import generator

        return getattr(generator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
