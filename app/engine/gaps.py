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
from app.engine.per_policy import cached_per_policy
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
    product_owner: np.ndarray  # per product (a row's distinct HS codes, first listed first): its row
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


@dataclass
class Pairs:
    """The (unique product, checked market) rows of every row, market-major within a row."""

    unique_owner: np.ndarray  # per product: its row
    unique_hs: np.ndarray  # per product: index in unique_hs
    owner: np.ndarray  # per pair
    market_row: np.ndarray
    product_row: np.ndarray  # index into the unique products
    start: np.ndarray  # per row: its first unique product


@dataclass
class Checked:
    """The entries of one scope in force or upcoming as they were checked, for the trace: which
    (business or product, market) rows each applied to and each row's key (0 = met)."""

    business: bool
    pairs: Pairs
    entries: np.ndarray  # index in policy.requirements, one per matrix row
    status: list[str]
    product_ok: np.ndarray  # entries × unique HS codes
    applies: np.ndarray  # entries × market rows (business) or (product, market) rows
    key: np.ndarray


def product_market_pairs(inputs: GapInputs) -> Pairs:
    """Each row's products crossed with its checked markets."""
    unique_owner, unique_hs = inputs.product_owner, inputs.product_hs
    count = np.bincount(unique_owner, minlength=inputs.n)
    start = np.cumsum(count) - count
    m_owner = inputs.market_owner
    repeats = count[m_owner]
    market_row = np.repeat(np.arange(len(m_owner)), repeats)
    offset = np.arange(len(market_row)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    pair_owner = m_owner[market_row]
    return Pairs(unique_owner, unique_hs, pair_owner, market_row, start[pair_owner] + offset, start)


def finding_severity(key: int, status: str) -> str:
    """The severity a finding's key gives; the entry's status on the date when met (key 0)."""
    return SEVERITY_BY_RANK[key >> _DAY_BITS] if key else status


_ENTRY_BITS = 10  # a composite key holds the finding's key, then the entry's position (first wins)
_ENTRY_MASK = (1 << _ENTRY_BITS) - 1


@dataclass
class _Scope:
    """The entries in force or upcoming on a date, business scope first, then product scope, each
    ordered by gap family (policy order within a family), with what does not depend on the rows."""

    business: int  # the first `business` entries are of business scope

    entries: list[RequirementEntry]
    index: np.ndarray  # in policy.requirements
    status: list[str]
    key: np.ndarray  # the finding's key when none of the codes is held
    size_ok: np.ndarray  # entries × (size classes, unknown)
    region: np.ndarray  # entries with a region match (§8 A9)
    family_starts: np.ndarray
    family_of: np.ndarray  # per entry: its family's number (business and product families apart)
    codes: list[str]
    uses_code: np.ndarray  # entries × codes (float, for a matrix product)
    blocking: np.ndarray  # entries whose status is blocking (an upcoming finding of one is a renewal)
    renewing: list[int]  # blocking entries: a renewal due may make them upcoming (§8 A11)
    position: np.ndarray  # entries × 1: the composite key's entry part (the first entry is the largest)
    markets: dict  # market -> entries covering it
    products: dict  # HS code -> entries covering it


@cached_per_policy()
def _scopes(policy: Policy, as_of: date) -> _Scope:
    """The entries of both scopes on the date (business first), read once per policy and date."""
    upcoming_until = policy.upcoming_until(as_of)
    active = [
        (index, entry, status)
        for index, entry in enumerate(policy.requirements)
        if (status := entry.status_on(as_of, upcoming_until)) is not None
    ]
    chosen, family_of = [], []
    for business in (True, False):
        part = [item for item in active if (item[1].scope == "business") == business]
        families = list(dict.fromkeys(entry.gap_family for _, entry, _ in part))
        part.sort(key=lambda item: families.index(item[1].gap_family))  # stable: policy order within
        offset = family_of[-1] + 1 if family_of else 0
        family_of += [offset + families.index(entry.gap_family) for _, entry, _ in part]
        if business:
            business_count = len(part)
        chosen += part
    entries = [entry for _, entry, _ in chosen]
    codes = sorted({code for entry in entries for code in entry.any_of})
    since = [entry.valid_from.toordinal() if entry.valid_from else 0 for entry in entries]
    scope = _Scope(
        business=business_count,
        entries=entries,
        index=np.array([index for index, _, _ in chosen], dtype=np.int64),
        status=[status for _, _, status in chosen],
        key=np.array(
            [
                (SEVERITY_RANK[st] << _DAY_BITS) | (_DAY_MASK - d)
                for (_, _, st), d in zip(chosen, since, strict=True)
            ],
            dtype=np.int64,
        ),
        size_ok=np.array(
            [[entry.binds_size(size) for size in (*SIZE_CLASSES, None)] for entry in entries], dtype=bool
        ).reshape(len(entries), len(SIZE_CLASSES) + 1),
        region=np.array(
            [
                entry.region_match is not None and number >= business_count
                for number, entry in enumerate(entries)
            ],
            dtype=bool,
        ),
        family_starts=np.flatnonzero(np.r_[True, np.diff(np.array(family_of, dtype=np.int64)) != 0])
        if entries
        else np.zeros(0, dtype=np.int64),
        family_of=np.array(family_of, dtype=np.int64),
        codes=codes,
        uses_code=np.array(
            [[code in entry.any_of for code in codes] for entry in entries], dtype=np.float32
        ).reshape(len(entries), len(codes)),
        blocking=np.array([st == "blocking" for _, _, st in chosen], dtype=bool),
        renewing=[p for p, (_, _, st) in enumerate(chosen) if st == "blocking"],
        position=_ENTRY_MASK - np.arange(len(entries), dtype=np.int64)[:, None],
        markets={},
        products={},
    )
    return scope


def _market_ok(scope: _Scope, markets: list) -> np.ndarray:
    """Entries × markets: whether the entry covers the market."""
    columns = []
    for market in markets:
        column = scope.markets.get(market)
        if column is None:
            column = np.array([entry.applies_to_market(market) for entry in scope.entries], dtype=bool)
            scope.markets[market] = column
        columns.append(column)
    return np.array(columns, dtype=bool).reshape(len(markets), len(scope.entries)).T


def _product_ok(scope: _Scope, inputs: GapInputs) -> np.ndarray:
    """Entries × unique HS codes: whether the entry's product selector covers the product."""
    columns = []
    for code, product_class in zip(inputs.unique_hs, inputs.unique_classes, strict=True):
        column = scope.products.get(code or None)
        if column is None:
            column = np.array(
                [entry.applies_to_product(code or None, product_class) for entry in scope.entries], dtype=bool
            )
            scope.products[code or None] = column
        columns.append(column)
    return np.array(columns, dtype=bool).reshape(len(inputs.unique_hs), len(scope.entries)).T


def _finding_keys(scope: _Scope, inputs: GapInputs) -> np.ndarray:
    """Entries × rows: the key of each entry's finding: its status when none of its codes is held,
    `upcoming` from the lapse day when only held with the renewal due (policy-v1 §8 A11), 0 when met."""
    n, held, renewal = inputs.n, inputs.held, inputs.renewal
    absent = np.zeros(n, dtype=bool)
    holding = np.array([held.get(code, absent) for code in scope.codes], dtype=np.float32)
    holding = holding.reshape(len(scope.codes), n)
    held_any = (scope.uses_code @ holding) > 0
    keys = np.where(held_any, 0, scope.key[:, None])
    if renewal:
        for position in scope.renewing:
            any_of = scope.entries[position].any_of
            if not any(code in renewal for code in any_of):
                continue
            firm = np.zeros(n, dtype=bool)
            lapse = np.full(n, _DAY_MASK, dtype=np.int64)
            for code in any_of:
                if code in renewal:
                    due_rows, day = renewal[code]
                    firm |= held[code] & ~due_rows
                    lapse = np.where(held[code], np.minimum(lapse, day), lapse)
                elif code in held:
                    firm |= held[code]
            due = held_any[position] & ~firm
            keys[position] = np.where(due, (UPCOMING << _DAY_BITS) | (_DAY_MASK - lapse), keys[position])
    return keys


def _indication_ok(policy: Policy, inputs: GapInputs, pairs: Pairs) -> np.ndarray:
    """Per (product, market) row, whether a registered GI covers the product's commodity in the row's
    kabupaten/kota (policy-v1 §8 A9)."""
    regions = list(dict.fromkeys(inputs.region.tolist()))
    position = {region: index for index, region in enumerate(regions)}
    region_index = np.array([position[region] for region in inputs.region.tolist()], dtype=np.int64)
    table = np.array(
        [
            [policy.indication_for(c.commodity, region) is not None for region in regions]
            for c in inputs.unique_classes
        ],
        dtype=bool,
    ).reshape(len(inputs.unique_classes), len(regions))
    return table[pairs.unique_hs[pairs.product_row], region_index[pairs.owner]]


_CHUNK = 1 << 13  # rows per step: bounds the entries × rows matrices of a large batch


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
    Both scopes are one entries × (product, market) matrix: a business entry is read on the first
    product of each market row only (that pair stands for the (business, market) row).
    `checked`, when given, receives each scope's entries as checked (for the trace).
    """
    pairs = product_market_pairs(inputs)
    scope = _scopes(policy, as_of)
    if not scope.entries or len(pairs.owner) == 0:
        return empty_gaps()
    b = scope.business
    keys = _finding_keys(scope, inputs)
    market_ok = _market_ok(scope, inputs.unique_markets)
    product_ok = _product_ok(scope, inputs)
    owner, market_row = pairs.owner, pairs.market_row
    first_pair = pairs.product_row == pairs.start[owner]  # the pair that stands for its market row
    if b:
        covered = np.zeros((b, inputs.n), dtype=bool)
        for position in range(b):
            covered[position, pairs.unique_owner[product_ok[position, pairs.unique_hs]]] = True
    indication_ok = None
    if (product_ok[scope.region]).any():
        indication_ok = _indication_ok(policy, inputs, pairs)
    found = []
    for start in range(0, len(owner), _CHUNK):  # a large batch in steps: small matrices
        part = slice(start, start + _CHUNK)
        rows_owner = owner[part]
        applies = market_ok[:, inputs.market_index[market_row[part]]]
        applies[b:] &= product_ok[b:, pairs.unique_hs[pairs.product_row[part]]]
        if b:
            applies[:b] &= covered[:, rows_owner] & first_pair[part]
        if indication_ok is not None:
            applies[scope.region] &= indication_ok[part]
        applies &= scope.size_ok[:, inputs.size_index[rows_owner]]
        row_keys = np.where(applies, keys[:, rows_owner], 0)
        if checked is not None:  # the trace: a batch of one chunk
            _check(checked, scope, pairs, product_ok, applies, row_keys, len(inputs.market_owner))
        rows, composite, best, first = _best_per_family(scope, row_keys)
        found.append((rows + start, composite, best, first))
    return _table(inputs, pairs, scope, found)


def _check(checked: list, scope: _Scope, pairs: Pairs, product_ok, applies, keys, markets: int) -> None:
    """The trace's Checked of each scope (business entries on (business, market) rows)."""
    b = scope.business
    if b:
        on_first = np.flatnonzero(pairs.product_row == pairs.start[pairs.owner])
        rows = pairs.market_row[on_first]
        business_applies = np.zeros((b, markets), dtype=bool)
        business_keys = np.zeros((b, markets), dtype=np.int64)
        business_applies[:, rows] = applies[:b, on_first]
        business_keys[:, rows] = keys[:b, on_first]
        checked.append(
            Checked(
                True,
                pairs,
                scope.index[:b],
                scope.status[:b],
                product_ok[:b],
                business_applies,
                business_keys,
            )
        )
    if len(scope.entries) > b:
        checked.append(
            Checked(False, pairs, scope.index[b:], scope.status[b:], product_ok[b:], applies[b:], keys[b:])
        )


def _best_per_family(scope: _Scope, keys: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per family and row with a finding: the row, the position of the entry with the most severe
    finding (composite keys: finding key, then the first entry) and of the first entry with one."""
    position = scope.position
    found = keys > 0
    best = np.where(found, (keys << _ENTRY_BITS) | position, 0)
    best = np.maximum.reduceat(best, scope.family_starts, axis=0)
    first = np.maximum.reduceat(np.where(found, position, 0), scope.family_starts, axis=0)
    hit = best > 0
    _, rows = np.nonzero(hit)
    best = best[hit]
    return rows, best, _ENTRY_MASK - (best & _ENTRY_MASK), _ENTRY_MASK - first[hit]


def _table(inputs: GapInputs, pairs: Pairs, scope: _Scope, found: list) -> GapTable:
    """One table of every gap: the business scope's first, then the product scope's, each in the order
    of its (market or pair) rows' steps of _CHUNK, family, row."""
    rows = np.concatenate([item[0] for item in found])
    best = np.concatenate([item[1] for item in found])
    position = np.concatenate([item[2] for item in found])
    first = np.concatenate([item[3] for item in found])
    business = position < scope.business
    market_row = pairs.market_row[rows]
    if business.any() and (len(found) > 1 or len(inputs.market_owner) > _CHUNK):
        row = np.where(business, market_row, rows)  # business gaps by steps of market rows
        order = np.lexsort((row, scope.family_of[position], row // _CHUNK, ~business))
        rows, best, position, first = rows[order], best[order], position[order], first[order]
        business, market_row = business[order], market_row[order]
    owner = inputs.market_owner[market_row]
    product_row = pairs.product_row[rows]
    hs_codes = np.array([*(code or None for code in inputs.unique_hs), None], dtype=object)
    product_hs = hs_codes[np.where(business, len(inputs.unique_hs), pairs.unique_hs[product_row])]
    key = best >> _ENTRY_BITS
    rank = (key >> _DAY_BITS).astype(np.int8)
    markets = np.array(inputs.unique_markets, dtype=object)
    return GapTable(
        owner=owner,
        market_row=market_row,
        market=markets[inputs.market_index[market_row]],
        product_hs=product_hs,
        entry=scope.index[position],
        rank=rank,
        since=_DAY_MASK - (key & _DAY_MASK),
        renewal=(rank == UPCOMING) & scope.blocking[position],
        product_row=product_row,
        first=scope.index[first],
    )


def empty_gaps() -> GapTable:
    """A table without gaps."""
    whole = np.zeros(0, dtype=np.int64)
    objects = np.zeros(0, dtype=object)
    return GapTable(
        whole, whole, objects, objects, whole, whole.astype(np.int8), whole, whole.astype(bool), whole, whole
    )


def size_conditional(
    table: GapTable,
    unknown: np.ndarray,
    sized: GapTable,
    sized_owner: np.ndarray,
    sized_size: np.ndarray,
    entries,
) -> np.ndarray:
    """Per gap of `table`, whether its row's size is unknown and what the size classes would be told
    differs (policy-v1 §8 A1). `sized` holds the gaps found under each size class: per gap, the row of
    `table` it stands for (`sized_owner`, -1 = none) and the size class (`sized_size`)."""
    conditional = np.zeros(len(table.owner), dtype=bool)
    candidates = np.flatnonzero(unknown[table.owner]) if len(table.owner) else []
    if len(candidates) == 0:
        return conditional
    told: dict[tuple, list] = {}
    for i in np.flatnonzero(sized_owner >= 0).tolist():
        entry, rank = entries[int(sized.entry[i])], int(sized.rank[i])
        key = (int(sized_owner[i]), entry.gap_family, sized.market[i], sized.product_hs[i])
        outcome = (entry.requirement, rank, int(sized.since[i]) if rank == UPCOMING else 0)
        told.setdefault(key, [None] * len(SIZE_CLASSES))[int(sized_size[i])] = outcome
    for i in candidates.tolist():
        entry = entries[int(table.entry[i])]
        key = (int(table.owner[i]), entry.gap_family, table.market[i], table.product_hs[i])
        outcomes = told.get(key)
        conditional[i] = outcomes is not None and len(set(outcomes)) > 1
    return conditional
