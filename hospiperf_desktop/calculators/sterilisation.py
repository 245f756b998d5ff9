"""Sterilisation cost study (UO Sté), as ANAP's Autodiagnostic Stérilisation maps a unit.

Pure: frozen dataclasses in and out, the categories' table passed in (or read from
`resources/calculators/sterilisation.json`), no I/O of its own.

- `uo_total` = Σ count × coefficient of its category; the study's own coefficients win over
  the shipped table's (which are provisional); a category with neither is an error naming it.
- equipment charge in `year` = purchase_value / depreciation_years while
  purchase_year ≤ year < purchase_year + depreciation_years, else 0; plus its maintenance.
- direct = staff (Σ fte × cost_per_fte) + equipment + consumables + energy
  + premises (m2 × cost_per_m2) + software + transport;
  total = direct × (1 + overhead_rate); cost_per_uo = total / uo_total;
  uo_per_fte = uo_total / Σ fte.
- with cycles given: cycles per steriliser per day = cycles / (sterilisers × days) and load
  rate = loaded units / (cycles × units per cycle).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hospiperf_desktop.calculators.params import parameters
from hospiperf_desktop.calculators.texts import euros, percent

PROCESSES = ("vapeur", "basse_temperature")
STRUCTURE_PARTS = (
    "staff",
    "equipment",
    "consumables",
    "energy",
    "premises",
    "software",
    "transport",
    "overhead",
)


class StudyError(ValueError):
    """A study that cannot be computed; `where` is the input's path (activity[2].category)."""

    def __init__(self, where: str, message: str, code: str = "invalid") -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Category:
    id: str
    list: str  # simplified | detailed | other
    process: str  # vapeur | basse_temperature
    label: str
    coefficient: float
    provisional: bool


TABLE_ORIGINS = ("shipped", "local", "package")


@dataclass(frozen=True)
class CategoryTable:
    version: str
    categories: tuple[Category, ...]
    source: str = ""
    origin: str = "shipped"  # shipped | local (the user's copy) | package (an ARS package)
    publisher: str = ""  # for a package: who published it

    def get(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)


def shipped_table(params: Mapping[str, Any] | None = None) -> CategoryTable:
    data = params or parameters("sterilisation")
    return CategoryTable(
        version=str(data["version"]),
        categories=tuple(
            Category(
                id=raw["id"],
                list=raw["list"],
                process=raw["process"],
                label=raw["label"],
                coefficient=float(raw["coefficient"]),
                provisional=bool(raw.get("provisional", False)),
            )
            for raw in data["categories"]
        ),
        source=str(data.get("source", "")),
    )


_LISTS = ("simplified", "detailed", "other")


def table_to_dict(table: CategoryTable) -> dict[str, Any]:
    """The table as a file (`calc sterilisation-table export`, an ARS package item)."""
    return {
        "format": 1,
        "id": "sterilisation-categories",
        "title": "Coefficients des UO de stérilisation",
        "version": table.version,
        "source": table.source,
        "categories": [
            {
                "id": c.id,
                "list": c.list,
                "process": c.process,
                "label": c.label,
                "coefficient": c.coefficient,
                "provisional": c.provisional,
            }
            for c in table.categories
        ],
    }


def table_from_dict(
    data: Any, where: str, origin: str = "shipped", publisher: str = ""
) -> CategoryTable:
    """A category table read from a file; ValueError naming the first bad entry."""
    if not isinstance(data, dict) or data.get("format") != 1:
        raise ValueError(f"{where}: not a category table of format 1")
    version = data.get("version")
    if not isinstance(version, str) or not 1 <= len(version) <= 40:
        raise ValueError(f"{where}: version must be a text of 1 to 40 characters")
    raw_categories = data.get("categories")
    if not isinstance(raw_categories, list) or not raw_categories:
        raise ValueError(f"{where}: categories must be a non-empty list")
    categories = []
    for i, raw in enumerate(raw_categories):
        at = f"{where}: categories[{i}]"
        if not isinstance(raw, dict):
            raise ValueError(f"{at} is not an object")
        ident, label = raw.get("id"), raw.get("label")
        if not isinstance(ident, str) or not 1 <= len(ident) <= 20:
            raise ValueError(f"{at}.id must be a text of 1 to 20 characters")
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"{at}.label is required")
        if raw.get("list") not in _LISTS:
            raise ValueError(f"{at}.list must be one of {', '.join(_LISTS)}")
        if raw.get("process") not in PROCESSES:
            raise ValueError(f"{at}.process must be one of {', '.join(PROCESSES)}")
        value = raw.get("coefficient")
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise ValueError(f"{at}.coefficient must be a finite number, 0 or more")
        if not isinstance(raw.get("provisional", False), bool):
            raise ValueError(f"{at}.provisional must be true or false")
        categories.append(
            Category(
                ident,
                raw["list"],
                raw["process"],
                label,
                float(value),
                bool(raw.get("provisional", False)),
            )
        )
    ids = [c.id for c in categories]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{where}: a category id is listed twice")
    return CategoryTable(
        version=version,
        categories=tuple(categories),
        source=str(data.get("source", "")),
        origin=origin,
        publisher=publisher,
    )


@dataclass(frozen=True)
class ActivityLine:
    category: str
    process: str  # vapeur | basse_temperature
    count: float
    month: int | None = None  # 1-12 in a detailed entry; None for a yearly total


@dataclass(frozen=True)
class StaffLine:
    grade: str
    fte: float
    cost_per_fte: float


@dataclass(frozen=True)
class EquipmentLine:
    kind: str
    purchase_value: float
    purchase_year: int
    depreciation_years: int
    maintenance_per_year: float = 0.0


@dataclass(frozen=True)
class Premises:
    m2: float = 0.0
    cost_per_m2: float = 0.0


@dataclass(frozen=True)
class Cycles:
    """Steriliser use in the year, optional in a study."""

    sterilisers: int
    cycles: int  # steriliser cycles in the year
    days: int  # working days in the year
    loaded_units: float | None = None  # e.g. baskets loaded in the year
    units_per_cycle: float | None = None  # a steriliser's capacity per cycle, same unit
    washers: int | None = None
    washer_cycles: int | None = None


@dataclass(frozen=True)
class Study:
    year: int
    activity: tuple[ActivityLine, ...]
    staff: tuple[StaffLine, ...] = ()
    equipment: tuple[EquipmentLine, ...] = ()
    consumables: float = 0.0
    energy: float = 0.0
    premises: Premises = field(default_factory=Premises)
    software: float = 0.0
    transport: float = 0.0
    overhead_rate: float = 0.0
    coefficients: Mapping[str, float] = field(default_factory=dict)
    cycles: Cycles | None = None
    unit: str = ""  # the unit's name, for pooling and comparisons


@dataclass(frozen=True)
class CategoryUo:
    category: str
    label: str
    process: str
    count: float
    coefficient: float
    provisional: bool
    uo: float


@dataclass(frozen=True)
class EquipmentCharge:
    kind: str
    depreciation: float
    maintenance: float
    depreciated: bool  # True once past its depreciation period (no charge left)


@dataclass(frozen=True)
class StudyResult:
    year: int
    unit: str
    uo_total: float
    uo_by_process: dict[str, float]
    categories: tuple[CategoryUo, ...]
    fte: float
    equipment: tuple[EquipmentCharge, ...]
    direct_cost: float
    total_cost: float
    structure: dict[str, float]
    cost_per_uo: float | None
    uo_per_fte: float | None
    cycles_per_steriliser_day: float | None
    load_rate: float | None
    table_version: str
    provisional: bool
    provisional_categories: tuple[str, ...]
    table_origin: str = "shipped"  # the table's origin (TABLE_ORIGINS); studies saved before
    # it was recorded were all computed with the shipped table
    table_publisher: str = ""
    own_coefficients: tuple[str, ...] = ()  # categories whose coefficient the study set


def equipment_charge(line: EquipmentLine, year: int) -> EquipmentCharge:
    within = line.purchase_year <= year < line.purchase_year + line.depreciation_years
    depreciation = line.purchase_value / line.depreciation_years if within else 0.0
    return EquipmentCharge(
        line.kind,
        depreciation,
        line.maintenance_per_year,
        year >= line.purchase_year + line.depreciation_years,
    )


def check_study(study: Study) -> list[tuple[str, str]]:
    """(where, problem) for every value the formulas cannot take."""
    problems: list[tuple[str, str]] = []

    def non_negative(where: str, value: float) -> None:
        if not math.isfinite(value) or value < 0:
            problems.append((where, "must be a finite number, 0 or more"))

    for i, a in enumerate(study.activity):
        if a.process not in PROCESSES:
            problems.append((f"activity[{i}].process", f"must be one of {', '.join(PROCESSES)}"))
        non_negative(f"activity[{i}].count", a.count)
        if a.month is not None and not 1 <= a.month <= 12:
            problems.append((f"activity[{i}].month", "must be 1 to 12"))
    for i, s in enumerate(study.staff):
        non_negative(f"staff[{i}].fte", s.fte)
        non_negative(f"staff[{i}].cost_per_fte", s.cost_per_fte)
    for i, e in enumerate(study.equipment):
        non_negative(f"equipment[{i}].purchase_value", e.purchase_value)
        non_negative(f"equipment[{i}].maintenance_per_year", e.maintenance_per_year)
        if e.depreciation_years < 1:
            problems.append((f"equipment[{i}].depreciation_years", "must be 1 or more"))
    for name in ("consumables", "energy", "software", "transport"):
        non_negative(name, getattr(study, name))
    non_negative("premises.m2", study.premises.m2)
    non_negative("premises.cost_per_m2", study.premises.cost_per_m2)
    if not (math.isfinite(study.overhead_rate) and 0 <= study.overhead_rate <= 1):
        problems.append(("overhead_rate", "must be between 0 and 1"))
    for key, value in study.coefficients.items():
        non_negative(f"coefficients.{key}", value)
    if study.cycles is not None:
        c = study.cycles
        if c.sterilisers < 1:
            problems.append(("cycles.sterilisers", "must be 1 or more"))
        if c.days < 1:
            problems.append(("cycles.days", "must be 1 or more"))
        if c.cycles < 0:
            problems.append(("cycles.cycles", "must be 0 or more"))
        if (c.loaded_units is None) != (c.units_per_cycle is None):
            problems.append(("cycles", "loaded_units and units_per_cycle go together"))
        if c.loaded_units is not None:
            non_negative("cycles.loaded_units", c.loaded_units)
        if c.units_per_cycle is not None and not (
            math.isfinite(c.units_per_cycle) and c.units_per_cycle > 0
        ):
            problems.append(("cycles.units_per_cycle", "must be a finite number above 0"))
    return problems


def compute(study: Study, table: CategoryTable | None = None) -> StudyResult:
    """The study's result; raises StudyError on the first problem (see `check_study`)."""
    table = table or shipped_table()
    problems = check_study(study)
    if problems:
        raise StudyError(*problems[0])
    totals: dict[tuple[str, str], float] = {}  # (category, process), in order of appearance
    for i, line in enumerate(study.activity):
        known = table.get(line.category)
        if line.category not in study.coefficients and known is None:
            raise StudyError(
                f"activity[{i}].category",
                f"category {line.category!r} has no coefficient (not in table"
                f" {table.version} nor in the study's coefficients)",
                "no_coefficient",
            )
        if known is not None and known.process != line.process:
            raise StudyError(
                f"activity[{i}].process",
                f"category {line.category!r} is a {known.process} category, not {line.process}",
                "wrong_process",
            )
        key = (line.category, line.process)
        totals[key] = totals.get(key, 0.0) + line.count
    categories = []
    for (category_id, process), count in totals.items():
        known = table.get(category_id)
        own = study.coefficients.get(category_id)
        coefficient = float(own) if own is not None else (known.coefficient if known else 0.0)
        provisional = own is None and known is not None and known.provisional
        categories.append(
            CategoryUo(
                category_id,
                known.label if known else category_id,
                process,
                count,
                coefficient,
                provisional,
                count * coefficient,
            )
        )
    uo_total = math.fsum(c.uo for c in categories)
    uo_by_process = {p: math.fsum(c.uo for c in categories if c.process == p) for p in PROCESSES}
    fte = math.fsum(s.fte for s in study.staff)
    charges = tuple(equipment_charge(e, study.year) for e in study.equipment)
    structure = {
        "staff": math.fsum(s.fte * s.cost_per_fte for s in study.staff),
        "equipment": math.fsum(c.depreciation + c.maintenance for c in charges),
        "consumables": study.consumables,
        "energy": study.energy,
        "premises": study.premises.m2 * study.premises.cost_per_m2,
        "software": study.software,
        "transport": study.transport,
    }
    direct = math.fsum(structure.values())
    total = direct * (1 + study.overhead_rate)
    structure["overhead"] = total - direct
    cycles_per_day = load_rate = None
    if study.cycles is not None:
        c = study.cycles
        cycles_per_day = c.cycles / (c.sterilisers * c.days)
        if c.loaded_units is not None and c.units_per_cycle is not None and c.cycles:
            load_rate = c.loaded_units / (c.cycles * c.units_per_cycle)
    provisional_categories = tuple(c.category for c in categories if c.provisional)
    return StudyResult(
        year=study.year,
        unit=study.unit,
        uo_total=uo_total,
        uo_by_process=uo_by_process,
        categories=tuple(categories),
        fte=fte,
        equipment=charges,
        direct_cost=direct,
        total_cost=total,
        structure=structure,
        cost_per_uo=total / uo_total if uo_total else None,
        uo_per_fte=uo_total / fte if fte else None,
        cycles_per_steriliser_day=cycles_per_day,
        load_rate=load_rate,
        table_version=table.version,
        provisional=bool(provisional_categories),
        provisional_categories=provisional_categories,
        table_origin=table.origin,
        table_publisher=table.publisher,
        own_coefficients=tuple(c.category for c in categories if c.category in study.coefficients),
    )


# --- pooling -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolingAssumptions:
    """What the pooled unit adds and works with; every value is stated in the result."""

    transport: float = 0.0  # yearly cost of carrying between the sites and the pooled unit
    hours_per_day: float = 10.0  # sterilisers' working time per day
    days: int = 250  # working days per year
    steriliser_cycle_minutes: float = 60.0  # one steriliser cycle, loading included
    washer_cycle_minutes: float = 60.0
    name: str = "Unité mutualisée"


@dataclass(frozen=True)
class Capacity:
    machines: str  # sterilisers | washers
    cycles: int  # combined cycles in the year
    per_machine: float  # cycles one machine can do in the year with the stated time
    needed: int
    available: int
    enough: bool


@dataclass(frozen=True)
class PoolingResult:
    before: tuple[StudyResult, ...]
    before_total_cost: float
    before_uo_total: float
    before_cost_per_uo: float | None
    after: StudyResult
    capacity: tuple[Capacity, ...]
    assumptions: PoolingAssumptions
    statements: tuple[str, ...]


def pool(
    studies: Sequence[Study], assumptions: PoolingAssumptions, table: CategoryTable | None = None
) -> PoolingResult:
    """Combine the units' activity and resources into one and add the transport.

    The pooled unit keeps every unit's staff, equipment and costs (no saving is assumed: the
    user states savings by editing the studies); its overhead rate is the direct-cost-weighted
    mean of the units'. Capacity: machines needed = ceil(combined cycles / cycles a machine
    can do in the stated working time).
    """
    table = table or shipped_table()
    if len(studies) < 2:
        raise StudyError("studies", "pooling needs at least two units", "too_few")
    years = {s.year for s in studies}
    if len(years) != 1:
        raise StudyError("year", f"the units' studies are of different years: {sorted(years)}")
    for name in ("transport", "hours_per_day", "steriliser_cycle_minutes", "washer_cycle_minutes"):
        value = getattr(assumptions, name)
        if not math.isfinite(value) or value < 0 or (name != "transport" and value == 0):
            raise StudyError(name, "must be a finite number above 0")
    if assumptions.hours_per_day > 24:
        raise StudyError("hours_per_day", "must be 24 or less")
    if not 1 <= assumptions.days <= 366:
        raise StudyError("days", "must be 1 to 366")
    before = tuple(compute(s, table) for s in studies)
    direct = math.fsum(r.direct_cost for r in before)
    overhead = (
        math.fsum(r.direct_cost * s.overhead_rate for r, s in zip(before, studies, strict=True))
        / direct
        if direct
        else 0.0
    )
    coefficients: dict[str, float] = {}
    for s in studies:
        for key, value in s.coefficients.items():
            if key in coefficients and coefficients[key] != value:
                raise StudyError(
                    f"coefficients.{key}", "the units give this category different coefficients"
                )
            coefficients[key] = value
    pooled_cycles = _pooled_cycles([s.cycles for s in studies], assumptions.days)
    pooled = Study(
        year=studies[0].year,
        unit=assumptions.name,
        activity=tuple(a for s in studies for a in s.activity),
        staff=tuple(x for s in studies for x in s.staff),
        equipment=tuple(x for s in studies for x in s.equipment),
        consumables=math.fsum(s.consumables for s in studies),
        energy=math.fsum(s.energy for s in studies),
        premises=Premises(
            math.fsum(s.premises.m2 for s in studies),
            (
                math.fsum(s.premises.m2 * s.premises.cost_per_m2 for s in studies)
                / math.fsum(s.premises.m2 for s in studies)
            )
            if any(s.premises.m2 for s in studies)
            else 0.0,
        ),
        software=math.fsum(s.software for s in studies),
        transport=math.fsum(s.transport for s in studies) + assumptions.transport,
        overhead_rate=overhead,
        coefficients=coefficients,
        cycles=pooled_cycles,
    )
    after = compute(pooled, table)
    capacity = _capacity(pooled_cycles, assumptions)
    before_total = math.fsum(r.total_cost for r in before)
    before_uo = math.fsum(r.uo_total for r in before)
    statements = (
        f"Transport ajouté entre les sites : {euros(assumptions.transport)} par an.",
        f"Temps de fonctionnement : {assumptions.hours_per_day:g} h par jour,"
        f" {assumptions.days} jours par an.",
        f"Durée d'un cycle : stérilisateur {assumptions.steriliser_cycle_minutes:g} min,"
        f" laveur {assumptions.washer_cycle_minutes:g} min.",
        "Ressources : la somme de celles des unités, sans économie supposée.",
        f"Frais de structure : {percent(overhead)} (moyenne des unités pondérée par leurs"
        " coûts directs).",
        *_unchecked(pooled_cycles),
    )
    return PoolingResult(
        before=before,
        before_total_cost=before_total,
        before_uo_total=before_uo,
        before_cost_per_uo=before_total / before_uo if before_uo else None,
        after=after,
        capacity=tuple(capacity),
        assumptions=assumptions,
        statements=statements,
    )


def _pooled_cycles(cycles: Sequence[Cycles | None], days: int) -> Cycles | None:
    """The units' machines and cycles added up; None when a unit gave no cycles. Washers
    stay None unless every unit gave both its washers and their cycles."""
    if any(c is None for c in cycles):
        return None
    given = [c for c in cycles if c is not None]
    washers_given = all(c.washers is not None and c.washer_cycles is not None for c in given)
    return Cycles(
        sterilisers=sum(c.sterilisers for c in given),
        cycles=sum(c.cycles for c in given),
        days=days,
        washers=sum(c.washers or 0 for c in given) if washers_given else None,
        washer_cycles=sum(c.washer_cycles or 0 for c in given) if washers_given else None,
    )


def _capacity(cycles: Cycles | None, assumptions: PoolingAssumptions) -> tuple[Capacity, ...]:
    """Machines needed against available, for each kind of machine whose cycles are known."""
    if cycles is None:
        return ()
    minutes = assumptions.hours_per_day * 60 * assumptions.days
    kinds = [
        ("sterilisers", cycles.cycles, cycles.sterilisers, assumptions.steriliser_cycle_minutes)
    ]
    if cycles.washers is not None and cycles.washer_cycles is not None:
        kinds.append(
            ("washers", cycles.washer_cycles, cycles.washers, assumptions.washer_cycle_minutes)
        )
    capacity = []
    for machines, done, available, cycle in kinds:
        per_machine = math.floor(minutes / cycle)
        needed = math.ceil(done / per_machine) if per_machine else 0
        capacity.append(
            Capacity(machines, done, per_machine, needed, available, needed <= available)
        )
    return tuple(capacity)


def _unchecked(cycles: Cycles | None) -> tuple[str, ...]:
    if cycles is None:
        return ("Capacité non vérifiée : une unité au moins n'a pas donné ses cycles.",)
    if cycles.washers is None:
        return (
            "Capacité des laveurs non vérifiée : une unité au moins n'a pas donné ses laveurs"
            " et leurs cycles.",
        )
    return ()
