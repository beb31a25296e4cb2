"""The figures a statistics page shows, built from the selectors' aggregates with small cells
suppressed (stats.suppression): tables with their charts, the same for the page and the
CSV/XLSX downloads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from candidates.models import Pathway

from . import selectors
from .models import DelayBucket
from .suppression import HIDDEN, hidden_cells, rate

TOTAL = "__total__"
OUTCOME_COLUMNS = ("presented", "admissible", "partial", "absent")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: suppressed
    text: str


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    bars: list[Bar]
    maximum: float
    unit: str = ""


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)  # first cell: the row's label
    chart: Chart | None = None
    note: str = ""


def percent(value: float | None) -> str:
    return HIDDEN if value is None else f"{number_format(value, 1)} %"


def _cell(value: int, key: Any, hidden: set[Any]) -> int | str:
    return HIDDEN if key in hidden else value


def _group_label(group: str, row: dict[str, Any]) -> str:
    if group == "pathway":
        return str(dict(Pathway.choices).get(row["key"], row["key"]))
    if group == "cqpm":
        return f"{row['key']} — {row['label']}"
    if group == "centre":
        return str(row["label"])
    return str(row["key"])


def outcome_tables(
    *, scope: selectors.Scope, filters: selectors.Filters, group: str
) -> tuple[Table, Table]:
    """Presented, admissible, partial and absent people per group with the obtention rate,
    and presented people by time from registration to jury: suppressed together, since the
    delays add up to the presented total."""
    rows = selectors.outcome_rows(scope=scope, filters=filters, group=group)
    delays = selectors.delay_rows(scope=scope, filters=filters)
    cells: dict[Any, int] = {}
    keys = [row["key"] for row in rows]
    for row in rows:
        cells[(row["key"], "admissible")] = row["admissible"]
        cells[(row["key"], "partial")] = row["partial"]
        cells[(row["key"], "absent")] = row["absent"]
        cells[(row["key"], "presented")] = row["admissible"] + row["partial"]
    for column in OUTCOME_COLUMNS:
        cells[(TOTAL, column)] = sum(cells[(key, column)] for key in keys)
    for bucket in DelayBucket.values:
        cells[("delay", bucket)] = delays.get(bucket, 0)
    relations: list[Any] = [
        ((key, "presented"), [(key, "admissible"), (key, "partial")]) for key in [*keys, TOTAL]
    ]
    relations += [((TOTAL, column), [(key, column) for key in keys]) for column in OUTCOME_COLUMNS]
    relations.append(((TOTAL, "presented"), [("delay", b) for b in DelayBucket.values]))
    hidden = hidden_cells(cells, relations)
    return _outcomes(group, rows, cells, hidden), _delays(cells, hidden)


def _outcomes(
    group: str, rows: list[dict[str, Any]], cells: dict[Any, int], hidden: set[Any]
) -> Table:
    table = Table(
        key="resultats",
        title=_("Résultats du jury"),
        columns=[
            str(GROUP_LABELS[group]),
            _("Présentés"),
            _("Admissibles (CQPM obtenu)"),
            _("Validation partielle"),
            _("Absents ou excusés"),
            _("Taux d'obtention"),
        ],
        note=_(
            "Taux d'obtention : admissibles parmi les présentés. Une case comptant moins de "
            "5 personnes est masquée (« < 5 »), ainsi que celles qui permettraient de la "
            "retrouver par différence."
        ),
    )
    bars = []
    for key, label in [*((row["key"], _group_label(group, row)) for row in rows), (TOTAL, "")]:
        label = label or _("Total")
        obtained = rate((key, "admissible"), (key, "presented"), cells, hidden)
        table.rows.append(
            [label, *(_cell(cells[(key, c)], (key, c), hidden) for c in OUTCOME_COLUMNS)]
            + [percent(obtained)]
        )
        bars.append(Bar(label, obtained, percent(obtained)))
    table.chart = Chart(
        title=_("Taux d'obtention par %(group)s") % {"group": GROUP_LABELS[group].lower()},
        description=_(
            "Barres horizontales : part des candidats présentés au jury qui ont obtenu le CQPM, "
            "de 0 à 100 %. Les valeurs masquées (moins de 5 personnes) n'ont pas de barre."
        ),
        bars=bars,
        maximum=100.0,
        unit="%",
    )
    return table


def _delays(cells: dict[Any, int], hidden: set[Any]) -> Table:
    table = Table(
        key="delais",
        title=_("Délai entre l'inscription et le jury"),
        columns=[_("Délai"), _("Présentés au jury")],
    )
    bars = []
    known = [cells[("delay", b)] for b in DelayBucket.values if ("delay", b) not in hidden]
    for bucket, label in DelayBucket.choices:
        value = _cell(cells[("delay", bucket)], ("delay", bucket), hidden)
        table.rows.append([str(label), value])
        number = None if value == HIDDEN else float(value)
        bars.append(Bar(str(label), number, str(value)))
    table.chart = Chart(
        title=_("Présentés au jury selon le délai depuis l'inscription"),
        description=_(
            "Barres horizontales : nombre de candidats présentés au jury par durée entre leur "
            "inscription et la date du jury. Les valeurs masquées n'ont pas de barre."
        ),
        bars=bars,
        maximum=float(max(known, default=0) or 1),
    )
    return table


def capacity_table(*, scope: selectors.Scope, filters: selectors.Filters) -> Table:
    """Per capacity: evaluated, acquired, not acquired, share acquired, decided against the
    company's opinion."""
    rows = selectors.capacity_rows(scope=scope, filters=filters)
    cells: dict[Any, int] = {}
    for row in rows:
        number = row["capacity__number"]
        cells[(number, "evaluated")] = row["evaluated"]
        cells[(number, "acquired")] = row["acquired"]
        cells[(number, "not_acquired")] = row["evaluated"] - row["acquired"]
        cells[(number, "disagreements")] = row["disagreements"]
    relations = [
        ((row["capacity__number"], "evaluated"), [(row["capacity__number"], c) for c in PARTS])
        for row in rows
    ]
    hidden = hidden_cells(cells, relations)
    table = Table(
        key="capacites",
        title=_("Capacités professionnelles"),
        columns=[
            _("Capacité"),
            _("Évaluées"),
            _("Acquises"),
            _("Non acquises"),
            _("Part acquise"),
            _("Désaccords avec l'avis de l'entreprise"),
        ],
        note=_(
            "Décisions de la commission d'évaluation pour les candidats présentés au jury ; "
            "un désaccord : la commission a conclu autrement que l'avis de l'entreprise."
        ),
    )
    bars = []
    for row in rows:
        number = row["capacity__number"]
        label = f"{number}. {row['title']}"
        share = rate((number, "acquired"), (number, "evaluated"), cells, hidden)
        table.rows.append(
            [label]
            + [
                _cell(cells[(number, c)], (number, c), hidden)
                for c in ("evaluated", "acquired", "not_acquired")
            ]
            + [percent(share), _cell(cells[(number, "disagreements")], (number, DIS), hidden)]
        )
        bars.append(Bar(label, share, percent(share)))
    table.chart = Chart(
        title=_("Part des capacités acquises"),
        description=_(
            "Barres horizontales : pour chaque capacité du CQPM, part des évaluations de la "
            "commission qui l'ont déclarée acquise, de 0 à 100 %."
        ),
        bars=bars,
        maximum=100.0,
        unit="%",
    )
    return table


PARTS = ("acquired", "not_acquired")
DIS = "disagreements"
GROUP_LABELS = {
    "centre": gettext_lazy("Centre"),
    "cqpm": gettext_lazy("CQPM"),
    "pathway": gettext_lazy("Parcours"),
    "year": gettext_lazy("Année du jury"),
}


def report_for(*, scope: selectors.Scope, filters: selectors.Filters, group: str) -> list[Table]:
    outcomes, delays = outcome_tables(scope=scope, filters=filters, group=group)
    tables = [outcomes]
    if filters.cqpm:
        tables.append(capacity_table(scope=scope, filters=filters))
    tables.append(delays)
    return tables
