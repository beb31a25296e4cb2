"""Write loadtest/REPORT.md from the runs of `scripts/loadtest.sh` (runs.tsv and locust's CSV).

This run first: the comparison of the commits (requests/s at capacity, p95 and errors of the
scenario, the machine's load before, during and after each run) with issue 22's goals, then each
run's table per page; then the previous runs' sections as they were (the last KEEP)."""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import statistics
from dataclasses import dataclass
from pathlib import Path

MARK = "<!-- run -->"
KEEP = 5
CAPACITY_GOAL = 2.0  # current / baseline requests per second, no think time
P95_GOAL_MS = 300
HEADER = """# Charge : résultats de `make loadtest`

Scénario (`loadtest/locustfile.py`) : le personnel parcourt la liste des campagnes, le tableau de
bord et la liste des candidats (pagination, recherche, filtres) d'une campagne de 10 000
inscriptions ; des tuteurs enregistrent des brouillons d'avis ; des membres de jury enregistrent
des décisions. gunicorn et PostgreSQL sur 127.0.0.1, même machine que locust. Temps en
millisecondes ; la dernière exécution en premier, les précédentes ensuite, telles qu'écrites alors.

Chaque exécution mesure le code actuel et un commit de référence l'un après l'autre, sur les mêmes
données (une base modèle semée une fois, copiée pour chaque passage puis analysée par `ANALYZE`,
comme autovacuum le fait en production) et les mêmes réglages, en
deux phases : « scénario » (le temps de lecture des personnes entre deux actions : 1–3 s pour le
personnel, 2–5 s pour tuteurs et jurys ; son débit est plafonné par ce temps, environ 27 req/s
pour 50 utilisateurs, quel que soit le serveur) et « capacité » (sans temps de lecture : les
50 utilisateurs demandent dès la réponse reçue ; le débit est celui que le serveur soutient).
Les objectifs (issue 22) : capacité ≥ 2× celle de la référence, p95 du scénario ≤ 300 ms,
aucune erreur. Les tours alternent l'ordre des commits ; la charge de la machine (moyenne sur
1 min de `uptime`) est relevée avant, pendant (toutes les 5 s) et après chaque passage : la
machine (2 cœurs) est partagée avec les tests d'autres équipes, une charge au-delà de 2 pendant un
passage fausse ses req/s. C'est pourquoi le CPU consommé par le serveur (gunicorn et ses processus
PostgreSQL, lu avant et après chaque passage par `loadtest/cpu.py`) est aussi rapporté par requête
servie : ce coût-là dépend peu des voisins, et il borne la capacité sur des cœurs libres.

Les lignes « refusé : modifié entre-temps » et « conflit signalé » comptent les écritures refusées
parce qu'un autre utilisateur du même compte venait d'écrire (rien n'est écrasé) : sans temps
propre, elles entrent dans le nombre total de requêtes, pas dans les erreurs. Chaque compte de
démonstration se connecte une fois (formulaire et TOTP) ; ses utilisateurs simulés partagent sa
session.
"""
PHASES = {"scenario": "scénario", "capacity": "capacité"}


@dataclass
class Run:
    label: str
    tree: int
    phase: str
    round: int
    before: str
    during: str
    after: str
    server: str
    rows: list[dict]
    errors: list[str]
    crashes: int = 0  # exceptions in the locust users themselves (a failed login, a bad page)
    cpu_seconds: float | None = None  # gunicorn and its PostgreSQL backends during the run

    @property
    def total(self) -> dict:
        return next(row for row in self.rows if row["Name"] == "Aggregated")

    @property
    def rps(self) -> float:
        return float(self.total["Requests/s"])

    @property
    def p95(self) -> float:
        return float(self.total["95%"])

    @property
    def served(self) -> int:
        """Requests really answered: not the lines that only count a refused write (no time)."""
        return sum(
            int(row["Request Count"])
            for row in self.rows
            if row["Name"] != "Aggregated" and float(row["Max Response Time"]) > 0
        )

    @property
    def cpu_ms(self) -> float | None:
        """Server CPU per request served, in milliseconds."""
        if self.cpu_seconds is None or not self.served:
            return None
        return self.cpu_seconds * 1000 / self.served

    @property
    def error_count(self) -> int:
        return int(self.total["Failure Count"]) + self.crashes


def cpu_used(start: dict, end: dict) -> float:
    """CPU seconds between two readings of loadtest/cpu.py: gunicorn's difference plus each
    PostgreSQL backend's (one opened during the run counts from zero)."""
    backends = sum(
        seconds - start["postgres"].get(pid, 0.0) for pid, seconds in end["postgres"].items()
    )
    return end["gunicorn"] - start["gunicorn"] + backends


def read_run(entry: dict) -> Run:
    prefix = entry["csv"]
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    errors = []
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with failures.open(encoding="utf-8") as handle:
            for error in csv.DictReader(handle):
                where = f"{error['Method']} {error['Name']}"
                errors.append(f"{where} : {error['Error']} ({error['Occurrences']} fois)")
    crashes = 0
    exceptions = Path(f"{prefix}_exceptions.csv")
    if exceptions.exists():
        with exceptions.open(encoding="utf-8") as handle:
            for crash in csv.DictReader(handle):
                errors.append(f"exception : {crash['Message']} ({crash['Count']} fois)")
                crashes += int(crash["Count"])
    cpu_seconds = None
    folder = Path(prefix).parent
    if (folder / "cpu-start.json").exists() and (folder / "cpu-end.json").exists():
        start = json.loads((folder / "cpu-start.json").read_text(encoding="utf-8"))
        end = json.loads((folder / "cpu-end.json").read_text(encoding="utf-8"))
        cpu_seconds = cpu_used(start, end)
    return Run(
        cpu_seconds=cpu_seconds,
        label=entry["label"],
        tree=int(entry["tree"]),
        phase=entry["phase"],
        round=int(entry["round"]),
        before=entry["before"],
        during=entry["during"],
        after=entry["after"],
        server=entry["server"],
        rows=rows,
        errors=errors,
        crashes=crashes,
    )


def highest_load(during: str) -> float | None:
    """The highest 1-minute load average of a run's samples ("max 4.47, moyenne 4.16")."""
    if not during.startswith("max "):
        return None
    try:
        return float(during.split(",")[0].removeprefix("max "))
    except ValueError:
        return None


def verdict(ok: bool) -> str:
    return "atteint" if ok else "**non atteint**"


def goals(runs: list[Run]) -> list[str]:
    """The goals' lines: the capacity ratio (medians over rounds), p95 and errors of the current
    tree (the last tree of the runs)."""
    current = max(run.tree for run in runs)
    mine = [run for run in runs if run.tree == current]
    lines = []
    if current > 0:
        ours = statistics.median(r.rps for r in mine if r.phase == "capacity")
        theirs = statistics.median(r.rps for r in runs if r.tree == 0 and r.phase == "capacity")
        ratio = ours / theirs if theirs else float("inf")
        lines.append(
            f"- Capacité : {ours:.1f} req/s contre {theirs:.1f} pour la référence, soit "
            f"**{ratio:.2f}×** (objectif ≥ {CAPACITY_GOAL:.0f}×) : "
            f"{verdict(ratio >= CAPACITY_GOAL)}."
        )
        ours_cpu = [r.cpu_ms for r in mine if r.phase == "capacity" and r.cpu_ms]
        theirs_cpu = [r.cpu_ms for r in runs if r.tree == 0 and r.phase == "capacity" and r.cpu_ms]
        if ours_cpu and theirs_cpu:
            mine_ms, base_ms = statistics.median(ours_cpu), statistics.median(theirs_cpu)
            cores = os.cpu_count() or 1
            lines.append(
                f"- CPU du serveur (gunicorn et PostgreSQL) par requête, phase capacité : "
                f"{mine_ms:.1f} ms contre {base_ms:.1f} ms, soit {base_ms / mine_ms:.2f}× moins ; "
                f"sur {cores} cœurs libres, cela ferait au plus {cores * 1000 / mine_ms:.0f} "
                f"req/s contre {cores * 1000 / base_ms:.0f} (mesure peu sensible à la charge des "
                "voisins, contrairement aux req/s)."
            )
    loads = [load for load in (highest_load(r.during) for r in runs) if load is not None]
    if loads:
        cores = os.cpu_count() or 1
        busy = max(loads) > cores
        lines.append(
            f"- Charge de la machine pendant les passages (moyenne sur 1 min, la plus haute) : "
            f"{max(loads):.2f} pour {cores} cœurs : "
            + (
                "**machine chargée par d'autres travaux : req/s et temps de réponse faussés**, "
                "comparer plutôt le CPU par requête."
                if busy
                else "machine libre, req/s et temps comparables."
            )
        )
    p95 = max((r.p95 for r in mine if r.phase == "scenario"), default=0.0)
    lines.append(
        f"- p95 du scénario (code actuel, pire tour) : {p95:.0f} ms "
        f"(objectif ≤ {P95_GOAL_MS} ms) : {verdict(p95 <= P95_GOAL_MS)}."
    )
    errors = sum(r.error_count for r in mine)
    lines.append(f"- Erreurs (code actuel, toutes phases) : {errors} : {verdict(errors == 0)}.")
    return lines


def page_table(run: Run) -> list[str]:
    lines = [
        "| Page | Requêtes | Erreurs | p50 (ms) | p95 (ms) | max (ms) | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in run.rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "**Total**"
        label = f"{row['Type']} {name}".strip() if row["Type"] else name
        lines.append(
            f"| {label} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} "
            f"| {row['95%']} | {float(row['Max Response Time']):.0f} "
            f"| {float(row['Requests/s']):.1f} |"
        )
    lines.append("")
    lines.extend(
        ["Erreurs :", "", *(f"- {e}" for e in run.errors)] if run.errors else ["Aucune erreur."]
    )
    return lines


def run_section(runs: list[Run], args, *, when: datetime.datetime | None = None) -> str:
    when = when or datetime.datetime.now(datetime.UTC)
    cores = os.cpu_count() or 0
    lines = [
        MARK,
        f"## Exécution du {when:%d/%m/%Y %H:%M} UTC",
        "",
        f"{args.users} utilisateurs ; scénario {args.duration}, capacité {args.capacity_duration} "
        f"par passage ; {args.registrations} inscriptions ; "
        f"cache {args.cache or 'local (locmem)'} ; "
        f"{platform.node() or 'machine'}, {cores} cœurs, Python {platform.python_version()} ; "
        "machine partagée avec les tests d'autres équipes.",
        "",
        "| Code | Serveur | Phase | Tour | req/s | p50 (ms) | p95 (ms) | Erreurs "
        "| CPU serveur / requête (ms) | Charge avant | Charge pendant | Charge après |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for run in runs:
        total = run.total
        lines.append(
            f"| {run.label} | {run.server} | {PHASES.get(run.phase, run.phase)} | {run.round} "
            f"| {run.rps:.1f} | {total['50%']} | {total['95%']} | {run.error_count} "
            f"| {f'{run.cpu_ms:.1f}' if run.cpu_ms else '–'} "
            f"| {run.before} | {run.during} | {run.after} |"
        )
    lines += ["", "Objectifs :", "", *goals(runs), ""]
    for run in runs:
        lines += [
            "<details>",
            f"<summary>{run.label}, {PHASES.get(run.phase, run.phase)}, tour {run.round}</summary>",
            "",
            *page_table(run),
            "",
            "</details>",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    for option in ("--runs", "--report", "--users", "--duration"):
        parser.add_argument(option, required=True)
    parser.add_argument("--capacity-duration", default="1m")
    parser.add_argument("--registrations", default="10000")
    parser.add_argument("--cache", default="")
    args = parser.parse_args()
    with Path(args.runs).open(encoding="utf-8") as handle:
        entries = list(csv.DictReader(handle, delimiter="\t"))
    runs = [read_run(entry) for entry in entries]
    report = Path(args.report)
    previous = []
    if report.exists():
        previous = [MARK + part for part in report.read_text(encoding="utf-8").split(MARK)[1:]]
    current = run_section(runs, args)
    sections = [current, *previous][:KEEP]
    report.write_text(
        HEADER + "\n" + "\n".join(s.rstrip() + "\n" for s in sections), encoding="utf-8"
    )
    print(current)


if __name__ == "__main__":
    main()
