"""Requirement applicability and gap finding (policy-v1 §3; §8 A1, A9, A11), written once over arrays.

Both paths call `find_gaps`: the batch path (batch.py) with one row per profile of a table, the single
path (rules.py) with one row per reading of its profile (the profile, and with the size unknown one row
per possible size class; what-if variants are more rows). A row reads the codes it holds, the renewals
due, its region, its products (unique HS codes) and its checked markets; each requirement entry in force
or upcoming on the date becomes a mask over (product, market) rows — or (business, market) rows for
business-scope entries — and the most severe finding of each gap family on each of those rows is a gap.
`size_conditional` tells which gaps differ between the size classes when the size is unknown (§8 A1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.engine.arrays import np
from app.engine.policy import SEVERITY_RANK, SIZE_CLASSES, Policy, RequirementEntry

SEVERITY_BY_RANK = {rank: name for name, rank in SEVERITY_RANK.items()}
UNKNOWN_SIZE = len(SIZE_CLASSES)  # size index of a row without revenue: every size-bound entry binds
UPCOMING = SEVERITY_RANK["upcoming"]

# A finding's key: its severity rank, then the earlier date (none = earliest), as one integer per row,
# so the most severe finding is the largest key; 0 = met or not applicable.
_DAY_BITS = 20
_DAY_MASK = (1 << _DAY_BITS) - 1


@dataclass
class GapInputs:
    """What gap finding reads, as arrays: one row per profile (or per reading of a profile)."""

    n: int
    size_index: np.ndarray  # per row: index in SIZE_CLASSES, UNKNOWN_SIZE without revenue
    held: dict[str, np.ndarray]  # code -> rows holding it on the date (codes nobody holds may be absent)
    renewal: dict[str, tuple[np.ndarray, int]]  # code -> (rows holding it only with renewal due, lapse day)
    region: np.ndarray  # per row: kabupaten/kota code or None (object)
    product_owner: np.ndarray  # per product, in row order: its row
    product_hs: np.ndarray  # per product: index in unique_hs
    unique_hs: list  # HS codes ('' or None: no code)
    unique_classes: list  # the ProductClass of each unique_hs
    market_owner: np.ndarray  # per checked-market row: its row (a row's markets in checked order)
    market_index: np.ndarray  # per checked-market row: index in unique_markets
    unique_markets: list


@dataclass
class GapTable:
    """One row per gap: its row, checked-market row, product HS (None = business), the entry that gives
    it (index in policy.requirements), its severity rank, the ordinal of its date (0 = none) and whether
    it is a renewal (§8 A11)."""

    owner: np.ndarray
    market_row: np.ndarray  # row in the GapInputs' checked markets (checked-market order within a row)
    market: np.ndarray
    product_hs: np.ndarray
    entry: np.ndarray
    rank: np.ndarray
    since: np.ndarray
    renewal: np.ndarray
    product_row: np.ndarray  # the unique product of its row it is found on (the first one for business)
    first: np.ndarray  # the first entry of its family with a finding there (the single path's order)

    def take(self, rows: np.ndarray, owners: np.ndarray | None = None) -> GapTable:
        """The gaps at the given positions, their owners renumbered when `owners` maps them."""
        taken = GapTable(*(getattr(self, name)[rows] for name in GapTable.__dataclass_fields__))
        if owners is not None:
            taken.owner = owners[taken.owner]
        return taken

    @staticmethod
    def concat(tables: list[GapTable]) -> GapTable:
        """One table of the gaps of several."""
        return GapTable(
            *(np.concatenate([getattr(t, name) for t in tables]) for name in GapTable.__dataclass_fields__)
        )

    def applies_from(self, i: int) -> date | None:
        """The date of gap i: the entry's valid_from or the lapse day of a renewal; None without."""
        since = int(self.since[i])
        return date.fromordinal(since) if since else None


@dataclass(frozen=True)
class Checked:
    """One entry in force or upcoming as it was checked, for the trace: which (business or product,
    market) rows it applied to and each row's key (0 = met)."""

    entry: int
    business: bool
    status: str
    product_ok: np.ndarray  # per unique HS code
    applies: np.ndarray  # per market row (business) or per (product, market) row
    key: np.ndarray


@dataclass
class Pairs:
    """The (unique product, checked market) rows of every row, market-major within a row."""

    unique_owner: np.ndarray  # per unique (row, HS) product: its row
    unique_hs: np.ndarray  # per unique product: index in unique_hs
    owner: np.ndarray  # per pair
    market_row: np.ndarray
    product_row: np.ndarray  # index into the unique products


def product_market_pairs(inputs: GapInputs) -> Pairs:
    """Each row's unique HS codes (first appearance order) crossed with its checked markets."""
    owner, hs = inputs.product_owner, inputs.product_hs
    first = np.zeros(0, dtype=np.int64)
    if len(owner):
        _, first = np.unique(owner.astype(np.int64) * max(1, len(inputs.unique_hs)) + hs, return_index=True)
        first.sort()
    unique_owner, unique_hs = owner[first].astype(np.int64), hs[first].astype(np.int64)
    count = np.bincount(unique_owner, minlength=inputs.n)
    start = np.cumsum(count) - count
    m_owner = inputs.market_owner
    repeats = count[m_owner]
    market_row = np.repeat(np.arange(len(m_owner)), repeats)
    offset = np.arange(len(market_row)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    pair_owner = m_owner[market_row]
    return Pairs(unique_owner, unique_hs, pair_owner, market_row, start[pair_owner] + offset)


def finding_severity(key: int, status: str) -> str:
    """The severity a finding's key gives; the entry's status on the date when met (key 0)."""
    return SEVERITY_BY_RANK[key >> _DAY_BITS] if key else status


def _held_any(held: dict[str, np.ndarray], codes, n: int) -> np.ndarray:
    """Rows holding one of the codes."""
    mask = np.zeros(n, dtype=bool)
    for code in codes:
        if code in held:
            mask = mask | held[code]
    return mask


def _finding_keys(entry: RequirementEntry, status: str, inputs: GapInputs) -> np.ndarray:
    """Per row, the key of the entry's finding: its status when not held, `upcoming` from the lapse day
    when only held with the renewal due (policy-v1 §8 A11), 0 when met."""
    n, held, renewal = inputs.n, inputs.held, inputs.renewal
    not_held = ~_held_any(held, entry.any_of, n)
    since = entry.valid_from.toordinal() if entry.valid_from is not None else 0
    keys = np.where(not_held, (SEVERITY_RANK[status] << _DAY_BITS) | (_DAY_MASK - since), 0)
    if status == "blocking" and renewal:
        firm = np.zeros(n, dtype=bool)
        lapse = np.full(n, _DAY_MASK, dtype=np.int64)
        for code in entry.any_of:
            if code in renewal:
                due_rows, day = renewal[code]
                firm |= held[code] & ~due_rows
                lapse = np.where(held[code], np.minimum(lapse, day), lapse)
            elif code in held:
                firm |= held[code]
        due = ~not_held & ~firm
        keys = np.where(due, (UPCOMING << _DAY_BITS) | (_DAY_MASK - lapse), keys)
    return keys.astype(np.int64)


def _indication_ok(policy: Policy, inputs: GapInputs, pairs: Pairs) -> np.ndarray:
    """Per (product, market) row, whether a registered GI covers the product's commodity in the row's
    kabupaten/kota (policy-v1 §8 A9)."""
    regions = list(dict.fromkeys(inputs.region.tolist()))
    position = {region: index for index, region in enumerate(regions)}
    region_index = np.array([position[region] for region in inputs.region.tolist()], dtype=np.int64)
    commodities = [c.commodity for c in inputs.unique_classes]
    table = np.zeros((len(commodities), len(regions)), dtype=bool)
    for c, commodity in enumerate(commodities):
        for r, region in enumerate(regions):
            table[c, r] = policy.indication_for(commodity, region) is not None
    return table[pairs.unique_hs[pairs.product_row], region_index[pairs.owner]]


def find_gaps(
    policy: Policy, as_of: date, inputs: GapInputs, checked: list[Checked] | None = None
) -> GapTable:
    """Requirement entries as masks (policy-v1 §3), one gap per (row, family, market, product).

    An entry applies to a (product, market) row when its selector covers the product, its markets the
    market and its size classes the row's size (every size-bound entry when the size is unknown, the
    strictest reading); a business-scope entry to a (business, market) row when it covers one of the
    row's products. Of an applying entry's codes none held: its severity on the date (`upcoming` within
    the window); held only with the renewal due: `upcoming` from the lapse day (§8 A11). Per family the
    most severe finding wins, for equal severity the earliest date, for a tie the first entry.
    `checked`, when given, receives every entry in force or upcoming as checked (for the trace).
    """
    n = inputs.n
    pairs = product_market_pairs(inputs)
    upcoming_until = policy.upcoming_until(as_of)
    m_owner, m_index = inputs.market_owner, inputs.market_index
    pair_market = m_index[pairs.market_row]
    pair_hs = pairs.unique_hs[pairs.product_row]
    sizes = [*SIZE_CLASSES, None]
    found: dict[tuple[bool, str], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    indication_ok = None
    renewal_entries = np.zeros(len(policy.requirements), dtype=bool)
    for index, entry in enumerate(policy.requirements):
        status = entry.status_on(as_of, upcoming_until)
        if status is None:
            continue
        market_ok = np.array([entry.applies_to_market(m) for m in inputs.unique_markets], dtype=bool)
        if not market_ok.any():
            continue
        classes = zip(inputs.unique_hs, inputs.unique_classes, strict=True)
        product_ok = np.array([entry.applies_to_product(code or None, c) for code, c in classes], dtype=bool)
        if not product_ok.any():
            continue
        size_ok = np.array([entry.binds_size(size) for size in sizes], dtype=bool)
        business = entry.scope == "business"
        if business:
            owner = m_owner
            covered = np.bincount(pairs.unique_owner, weights=product_ok[pairs.unique_hs], minlength=n) > 0
            mask = market_ok[m_index] & size_ok[inputs.size_index[owner]] & covered[owner]
        else:
            owner = pairs.owner
            mask = product_ok[pair_hs] & market_ok[pair_market] & size_ok[inputs.size_index[owner]]
            if entry.region_match is not None:
                if indication_ok is None:
                    indication_ok = _indication_ok(policy, inputs, pairs)
                mask &= indication_ok
        if not mask.any():
            continue
        renewal_entries[index] = status == "blocking"
        key = np.where(mask, _finding_keys(entry, status, inputs)[owner], 0)
        if checked is not None:
            checked.append(Checked(index, business, status, product_ok, mask, key))
        family = (business, entry.gap_family)
        if family not in found:
            found[family] = (
                np.zeros(len(owner), dtype=np.int64),
                np.full(len(owner), -1),
                np.full(len(owner), -1),
            )
        target, best, first = found[family]
        better = key > target  # strictly: for a tie the first entry stays
        target[better] = key[better]
        best[better] = index
        first[(first < 0) & (key > 0)] = index
    return _table(inputs, pairs, found, renewal_entries)


def _table(inputs: GapInputs, pairs: Pairs, found: dict, renewal_entries: np.ndarray) -> GapTable:
    """The gaps of every family's most severe findings, one table."""
    hs_codes = np.array([code or None for code in inputs.unique_hs] or [None], dtype=object)
    markets = np.array(inputs.unique_markets or [None], dtype=object)
    count = np.bincount(pairs.unique_owner, minlength=inputs.n)
    first_product = np.cumsum(count) - count
    parts = []
    for (business, _), (keys, best, first) in found.items():
        hit = np.flatnonzero(keys)
        if len(hit) == 0:
            continue
        key = keys[hit]
        if business:
            owner, market_row = inputs.market_owner[hit], hit
            product_hs = np.full(len(hit), None, dtype=object)
            product_row = first_product[owner]
        else:
            owner, market_row = pairs.owner[hit], pairs.market_row[hit]
            product_row = pairs.product_row[hit]
            product_hs = hs_codes[pairs.unique_hs[product_row]]
        rank = (key >> _DAY_BITS).astype(np.int8)
        parts.append(
            GapTable(
                owner=owner,
                market_row=market_row,
                market=markets[inputs.market_index[market_row]],
                product_hs=product_hs,
                entry=best[hit],
                rank=rank,
                since=_DAY_MASK - (key & _DAY_MASK),
                renewal=(rank == UPCOMING) & renewal_entries[best[hit]],
                product_row=product_row,
                first=first[hit],
            )
        )
    return GapTable.concat(parts) if parts else empty_gaps()


def empty_gaps() -> GapTable:
    """A table without gaps."""
    whole = np.zeros(0, dtype=np.int64)
    objects = np.zeros(0, dtype=object)
    return GapTable(
        whole, whole, objects, objects, whole, whole.astype(np.int8), whole, whole.astype(bool), whole, whole
    )


def _outcomes(table: GapTable, entries) -> dict[tuple, tuple]:
    """Per (row, family, market, product): the requirement, severity rank and date while upcoming."""
    return {
        (o, entries[e].gap_family, m, p): (entries[e].requirement, r, d if r == UPCOMING else 0)
        for o, m, p, e, r, d in zip(
            table.owner.tolist(),
            table.market.tolist(),
            table.product_hs.tolist(),
            table.entry.tolist(),
            table.rank.tolist(),
            table.since.tolist(),
            strict=True,
        )
    }


def size_conditional(table: GapTable, per_size: list[GapTable], unknown: np.ndarray, entries) -> np.ndarray:
    """Per gap of `table`, whether its row's size is unknown and what the size classes would be told
    differs (policy-v1 §8 A1); `per_size` holds each size class's gaps, owners numbered as in `table`."""
    conditional = np.zeros(len(table.owner), dtype=bool)
    candidates = np.flatnonzero(unknown[table.owner]) if len(table.owner) else []
    if len(candidates) == 0:
        return conditional
    told = [_outcomes(sized, entries) for sized in per_size]
    for i in candidates.tolist():
        key = (
            int(table.owner[i]),
            entries[int(table.entry[i])].gap_family,
            table.market[i],
            table.product_hs[i],
        )
        conditional[i] = len({found.get(key) for found in told}) > 1
    return conditional
