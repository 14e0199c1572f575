"""Generated demo data: a seeded population of IKM profiles that are NOT real businesses.

Everything produced here is synthetic ("Data demo hasil generator (bukan data nyata)"): names, NIBs (all
starting with "99"), revenues and certificates are drawn from the documented proportions in data/demo/.
Pages and CLI output that show these profiles should display `DEMO_LABEL`.
"""

from app.demo.generator import DEMO_LABEL, generate_profiles, population_summary, size_class_of

__all__ = ["DEMO_LABEL", "demo_nib_prefix", "generate_profiles", "population_summary", "size_class_of"]


def demo_nib_prefix() -> str:
    """The NIB prefix every generated demo IKM carries (data/demo/population.yaml)."""
    from app.demo.tables import read_yaml

    return str(read_yaml("population.yaml")["nib_prefix"])
