"""French wording of diagnostic values in the documents the core writes (PDF, Excel).

The UI has its own translatable labels; these are for files handed to people.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from hospiperf_desktop.diagnostics.planning import ActionStatus, Priority
from hospiperf_desktop.diagnostics.template import AnswerCode
from hospiperf_desktop.french import NBSP

ANSWER_LABELS = {
    AnswerCode.YES: "Oui",
    AnswerCode.MOSTLY: "Plutôt oui",
    AnswerCode.PARTLY: "Partiellement",
    AnswerCode.NO: "Non",
    AnswerCode.NA: "Non concerné",
}
STATUS_LABELS = {
    ActionStatus.TODO: "À faire",
    ActionStatus.IN_PROGRESS: "En cours",
    ActionStatus.DONE: "Fait",
    ActionStatus.ABANDONED: "Abandonné",
}
PRIORITY_LABELS = {Priority.HIGH: "Haute", Priority.MEDIUM: "Moyenne", Priority.LOW: "Basse"}

SCORING_RULE = (
    "Le score d’un thème, d’un axe, d’un volet ou du questionnaire est la part pondérée de la "
    "meilleure réponse obtenue sur les items répondus et applicables : Oui vaut 1, Plutôt oui "
    "2/3, Partiellement 1/3 et Non 0, multipliés par le poids de l’item. « Non concerné » "
    "n’entre ni au numérateur ni au dénominateur. Un item sans réponse baisse la complétude, "
    "jamais le score. Un item critique répondu « Partiellement » ou « Non » est listé à part, "
    "quel que soit le score."
)


def format_score(value: float | None) -> str:
    """72.46 → '72,5 %' (French decimal comma, non-breaking space); None → '—'."""
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",") + f"{NBSP}%"


def local_time(value: datetime) -> datetime:
    """A stored moment (UTC, naive when read back from SQLite) in the computer's time zone."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone()


def format_date(value: date | datetime | None) -> str:
    """31/12/2026; a moment is first put in local time (a UTC evening may be tomorrow here)."""
    if isinstance(value, datetime):
        value = local_time(value)
    return value.strftime("%d/%m/%Y") if value else ""


ROLE_LABELS = {
    "pharmacist": "pharmacien",
    "preparateur": "préparateur",
    "quality_officer": "qualiticien",
    "manager": "direction",
    "system login": "session système",
}


def actor_label(actor: str | None, labels: Mapping[str, str] = ROLE_LABELS) -> str:
    """An author as the audit trail names it, "Name (role)", with the role's label."""
    if not actor:
        return ""
    for code, label in labels.items():
        actor = actor.replace(f"({code})", f"({label})")
    return actor
