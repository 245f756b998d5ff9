"""Which questionnaires suit an establishment, and which one to propose first (pure).

A questionnaire's `target` says who it is for; an establishment's kind says what it is. A
questionnaire marked `overseas` is only for establishments overseas. When a kind is unknown
("other"), every questionnaire suits, overseas ones included only for overseas establishments.
"""

from __future__ import annotations

from collections.abc import Sequence

from hospiperf_desktop.diagnostics.template import Target, Template
from hospiperf_desktop.establishments.model import Establishment, EstablishmentKind, parse_kind

_HOSPITAL = (Target.PUI, Target.CARE_UNIT)
KIND_TARGETS: dict[EstablishmentKind, tuple[Target, ...]] = {
    EstablishmentKind.CHU: _HOSPITAL,
    EstablishmentKind.CH: _HOSPITAL,
    EstablishmentKind.CLINIC: _HOSPITAL,
    EstablishmentKind.PUI: _HOSPITAL,
    EstablishmentKind.EHPAD: (Target.EHPAD_WITH_PUI, Target.EHPAD_WITHOUT_PUI),
    EstablishmentKind.HAD: (Target.HAD_WITH_PUI, Target.HAD_WITHOUT_PUI),
}

# The general self-assessment of the medication circuit: what most campaigns start with, so
# proposed first among the questionnaires that suit.
GENERAL_FAMILY = "interdiag-medicaments"


def targets_for(establishment: Establishment) -> tuple[Target, ...]:
    """The targets whose questionnaires suit `establishment`; GHT ones when it is in a GHT."""
    kind = parse_kind(establishment.kind)
    targets = KIND_TARGETS.get(kind, tuple(Target)) if kind else tuple(Target)
    if establishment.ght_name and Target.GHT not in targets:
        targets = (*targets, Target.GHT)
    return targets


def suitable(templates: Sequence[Template], establishment: Establishment) -> list[Template]:
    """The questionnaires that suit `establishment`, the one to propose first at the head.

    The rest keep their order in `templates`.
    """
    targets = targets_for(establishment)
    kept = [
        t for t in templates if t.target in targets and (establishment.overseas or not t.overseas)
    ]
    return sorted(kept, key=lambda t: (t.family != GENERAL_FAMILY, targets.index(t.target)))
