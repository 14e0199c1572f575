"""The bulk population loader (Core SELECTs, no ORM objects) reads the same profiles as `Ikm.to_profile()`
followed by classification, in slices, with its filters; only products without a stored HS code are
classified."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Certification, Ikm, Product
from app.simulation.population import load_population


def _orm_population(province=None, commodity=None):
    """The population read the slow way: ORM objects, `to_profile()`, `classify_many_products`."""
    from app.reference import commodity_of
    from app.services.assessments import classify_many_products

    ikms = db.session.scalars(select(Ikm).order_by(Ikm.id)).all()
    if province:
        ikms = [ikm for ikm in ikms if ikm.region_code.startswith(f"{province}.")]
    profiles = classify_many_products([ikm.to_profile() for ikm in ikms])
    kept = []
    for ikm, profile in zip(ikms, profiles, strict=True):
        products = profile.get("products") or []
        kind = commodity_of(products[0].get("hs_code") if products else None)
        if commodity is None or kind == commodity:
            kept.append((ikm.id, ikm.name, ikm.region_code[:2], kind, profile))
    return kept


def _rows(population):
    return list(
        zip(
            population.ids,
            population.names,
            population.provinces,
            population.commodities,
            population.profiles,
            strict=True,
        )
    )


def _odd_ikms():
    """IKM the demo generator does not make: no products, a product without an HS code, every optional
    column set (group, buyer contract, founding day, dated certificate, kecamatan, contacts)."""
    bare = Ikm(name="Tanpa Produk", region_code="32.73", province_code="32", target_markets=[])
    full = Ikm(
        name="Kopi Lengkap",
        nib="9999999999999",
        legal_form="cv",
        region_code="11.01",
        province_code="11",
        founded_year=2015,
        founded_on=date(2015, 3, 1),
        employees=12,
        annual_revenue_idr=2_500_000_000,
        owner_gender="female",
        owner_name="Ibu Uji",
        contact_email="uji@example.id",
        contact_phone="+62811",
        credit_status="current",
        group_kind="koperasi",
        group_members=30,
        ovop_stars=3,
        export_history={"direct": True},
        target_markets=["US", "JP"],
        buyer_contract_market="JP",
        practices={"bookkeeping": True},
    )
    full.products = [
        Product(
            position=0, description="kopi arabika gayo sangrai", monthly_capacity=500.0, capacity_unit="kg"
        ),
        Product(position=1, description="Kopi bubuk", hs_code="090121"),
    ]
    full.certifications = [
        Certification(code="NIB"),
        Certification(code="HALAL", valid_until=date(2027, 8, 1), reference="ID-1"),
    ]
    db.session.add_all([bare, full])
    db.session.commit()
    return bare.id, full.id


def test_the_bulk_loader_reads_what_to_profile_reads(app, population):
    """Every IKM, in several slices: the same ids, names, provinces, commodities and classified profiles."""
    with app.app_context():
        bare_id, full_id = _odd_ikms()
        shares = []
        loaded = load_population(progress=shares.append, slice_size=37)
        expected = _orm_population()
        assert _rows(loaded) == expected
        assert len(loaded) == population + 2
        assert len(shares) == -(-(population + 2) // 37) and shares[-1] == 1.0
        full = loaded.profiles[loaded.ids.index(full_id)]
        unclassified, given = full["products"]
        assert unclassified["hs_source"] != "given" and unclassified["hs_code"]
        assert given == {
            "description": "Kopi bubuk",
            "hs_code": "090121",
            "hs_source": "given",
            "hs_score": None,
        }
        assert full["certifications"] == [{"code": "NIB"}, {"code": "HALAL", "valid_until": "2027-08-01"}]
        assert full["group"] == {"kind": "koperasi", "members": 30} and full["founded_on"] == "2015-03-01"
        assert loaded.profiles[loaded.ids.index(bare_id)]["products"] == []


def test_the_bulk_loader_filters_by_province_and_commodity(app, population):
    """A province and a commodity filter keep exactly the IKM the ORM path keeps, across slices."""
    with app.app_context():
        _odd_ikms()
        everyone = load_population()
        province = max(set(everyone.provinces), key=everyone.provinces.count)
        commodity = max(set(everyone.commodities), key=everyone.commodities.count)
        by_province = load_population(province=province, slice_size=11)
        assert _rows(by_province) == _orm_population(province=province)
        assert 0 < len(by_province) < len(everyone)
        both = load_population(province=province, commodity=commodity, slice_size=5)
        assert _rows(both) == _orm_population(province=province, commodity=commodity)
        assert set(both.commodities) == {commodity}
