"""Write loadtest/REPORT.md from locust's CSV: p50/p95 and errors per page, this run first, then the
previous runs' tables as they were (the last KEEP runs)."""

import argparse
import csv
import datetime
import platform
from pathlib import Path

MARK = "<!-- run -->"
KEEP = 5
HEADER = """# Charge : résultats de `make loadtest`

Scénario (`loadtest/locustfile.py`) : le personnel parcourt la liste des campagnes, le tableau de
bord et la liste des candidats (pagination, recherche, filtres) d'une campagne de 10 000
inscriptions ; des tuteurs enregistrent des brouillons d'avis ; des membres de jury enregistrent
des décisions. gunicorn et PostgreSQL sur 127.0.0.1, même machine que locust. Temps en
millisecondes ; la dernière exécution en premier, les précédentes ensuite, telles qu'écrites alors.
Les lignes « refusé : modifié entre-temps » et « conflit signalé » comptent les écritures refusées
parce qu'un autre utilisateur du même compte venait d'écrire (rien n'est écrasé) : sans temps
propre, elles entrent dans le nombre total de requêtes, pas dans les erreurs. Chaque compte de
démonstration se connecte une fois (formulaire et TOTP) ; ses utilisateurs simulés partagent sa
session.
"""


def run_table(stats: Path, failures: Path, args) -> str:
    rows = list(csv.DictReader(stats.open(encoding="utf-8")))
    when = datetime.datetime.now().strftime("%d/%m/%Y %H:%M")
    lines = [
        MARK,
        f"## Exécution du {when}",
        "",
        f"{args.users} utilisateurs, {args.duration}, {args.registrations} inscriptions, "
        f"gunicorn {args.workers} workers, {platform.node() or 'machine'} "
        f"({platform.python_version()}).",
        "",
        "| Page | Requêtes | Erreurs | p50 (ms) | p95 (ms) | max (ms) | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "**Total**"
        label = f"{row['Type']} {name}".strip() if row["Type"] else name
        lines.append(
            f"| {label} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} "
            f"| {row['95%']} | {float(row['Max Response Time']):.0f} "
            f"| {float(row['Requests/s']):.1f} |"
        )
    errors = list(csv.DictReader(failures.open(encoding="utf-8"))) if failures.exists() else []
    exceptions = Path(str(failures).replace("_failures.csv", "_exceptions.csv"))
    crashes = list(csv.DictReader(exceptions.open(encoding="utf-8"))) if exceptions.exists() else []
    lines.append("")
    if errors or crashes:
        lines.append("Erreurs :")
        lines.append("")
        for error in errors:
            count = error["Occurrences"]
            lines.append(f"- {error['Method']} {error['Name']} : {error['Error']} ({count} fois)")
    for crash in crashes:
        lines.append(f"- exception : {crash['Message']} ({crash['Count']} fois)")
    if not errors and not crashes:
        lines.append("Aucune erreur.")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    for option in ("--csv", "--failures", "--report", "--users", "--duration"):
        parser.add_argument(option, required=True)
    parser.add_argument("--registrations", default="10000")
    parser.add_argument("--workers", default="3")
    args = parser.parse_args()
    report = Path(args.report)
    previous = []
    if report.exists():
        previous = [MARK + part for part in report.read_text(encoding="utf-8").split(MARK)[1:]]
    current = run_table(Path(args.csv), Path(args.failures), args)
    runs = [current, *previous][:KEEP]
    report.write_text(HEADER + "\n" + "\n".join(r.rstrip() + "\n" for r in runs), encoding="utf-8")
    print(current)


if __name__ == "__main__":
    main()
