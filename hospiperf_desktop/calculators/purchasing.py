"""Purchasing gains (PAAT): each line's performance and the DGOS checks, in words.

performance = gain / annual reference amount (reference §6). A line is rejected, with the
reason a DGOS reviewer would give, when it has no reference amount, no scope (family or
domain missing), no gain (so no performance), a negative gain, a performance of 100 % or
more ("calcul erroné"), or a performance above its family's control bound. Totals count
accepted lines only.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hospiperf_desktop.calculators.params import parameters

ACCEPTED, REJECTED = "accepted", "rejected"


@dataclass(frozen=True)
class PaatLine:
    line: int  # in the source file, for the reader
    famille: str
    domaine: str
    categorie: str
    montant_reference: float | None
    type_effet: str
    montant_gain: float | None


@dataclass(frozen=True)
class CheckedLine:
    source: PaatLine
    performance: float | None  # 0.053 = 5.3 %
    status: str  # accepted | rejected
    # ok, no_reference, no_scope, no_performance, negative_gain, erroneous, above_bound
    code: str
    reason: str  # in French, as written in the annotated sheet


@dataclass(frozen=True)
class FamilyTotal:
    famille: str
    lines: int
    accepted: int
    reference: float  # accepted lines
    gain: float  # accepted lines
    performance: float | None


@dataclass(frozen=True)
class PurchasingResult:
    lines: tuple[CheckedLine, ...]
    families: tuple[FamilyTotal, ...]
    accepted: int
    rejected: int
    reference: float
    gain: float
    rejected_gain: float  # gains declared on rejected lines (positive ones)
    performance: float | None
    version: str


def control_bound(famille: str, params: dict[str, Any]) -> float:
    bounds = params["control_bounds"]
    by_family = {k.casefold(): v for k, v in bounds["by_family"].items()}
    return float(by_family.get(famille.strip().casefold(), bounds["default"]))


def _pct(value: float) -> str:
    return f"{value * 100:.1f}".replace(".", ",") + " %"


def check_line(line: PaatLine, params: dict[str, Any]) -> CheckedLine:
    reference, gain = line.montant_reference, line.montant_gain
    if reference is None or reference <= 0:
        return CheckedLine(line, None, REJECTED, "no_reference", "Pas de montant de référence")
    if not line.famille.strip() or not line.domaine.strip():
        return CheckedLine(
            line, None, REJECTED, "no_scope", "Pas de périmètre (famille ou domaine manquant)"
        )
    if gain is None:
        return CheckedLine(
            line, None, REJECTED, "no_performance", "Pas de performance (gain manquant)"
        )
    performance = gain / reference
    if gain < 0:
        return CheckedLine(line, performance, REJECTED, "negative_gain", "Gain négatif")
    if performance >= params["erroneous_at"]:
        return CheckedLine(
            line,
            performance,
            REJECTED,
            "erroneous",
            "Performance supérieure ou égale à 100 % - Calcul erroné",
        )
    bound = control_bound(line.famille, params)
    if performance > bound:
        return CheckedLine(
            line,
            performance,
            REJECTED,
            "above_bound",
            f"Performance de {_pct(performance)} supérieure à la borne de contrôle de la famille"
            f" ({_pct(bound)})",
        )
    return CheckedLine(line, performance, ACCEPTED, "ok", "Ligne retenue")


def evaluate(lines: Sequence[PaatLine], params: dict[str, Any] | None = None) -> PurchasingResult:
    params = params or parameters("purchasing")
    checked = tuple(check_line(line, params) for line in lines)
    groups: dict[str, list[CheckedLine]] = defaultdict(list)
    for item in checked:
        groups[item.source.famille.strip() or "(sans famille)"].append(item)
    families = []
    for famille in sorted(groups):
        items = groups[famille]
        kept = [i for i in items if i.status == ACCEPTED]
        reference = math.fsum(i.source.montant_reference or 0.0 for i in kept)
        gain = math.fsum(i.source.montant_gain or 0.0 for i in kept)
        families.append(
            FamilyTotal(
                famille,
                len(items),
                len(kept),
                reference,
                gain,
                gain / reference if reference else None,
            )
        )
    kept = [i for i in checked if i.status == ACCEPTED]
    reference = math.fsum(i.source.montant_reference or 0.0 for i in kept)
    gain = math.fsum(i.source.montant_gain or 0.0 for i in kept)
    rejected_gain = math.fsum(
        max(i.source.montant_gain or 0.0, 0.0) for i in checked if i.status == REJECTED
    )
    return PurchasingResult(
        lines=checked,
        families=tuple(families),
        accepted=len(kept),
        rejected=len(checked) - len(kept),
        reference=reference,
        gain=gain,
        rejected_gain=rejected_gain,
        performance=gain / reference if reference else None,
        version=params["version"],
    )
