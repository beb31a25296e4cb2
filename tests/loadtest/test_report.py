"""loadtest/report.py: the comparison of the two commits and the goals it states (issue 22)."""

import csv
import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("loadtest_report", ROOT / "loadtest" / "report.py")
report = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = report  # dataclasses look their module up
spec.loader.exec_module(report)

FIELDS = [
    "Type",
    "Name",
    "Request Count",
    "Failure Count",
    "50%",
    "95%",
    "Max Response Time",
    "Requests/s",
]


def write_run(
    folder: Path, name: str, *, rps: float, p95: int, failures: int = 0, cpu: float = 0
) -> str:
    (folder / name).mkdir(exist_ok=True)
    prefix = folder / name / "locust"
    if cpu:  # seconds: gunicorn's and one backend opened during the run
        start = {"gunicorn": 10.0, "postgres": {"7": 1.0}}
        end = {"gunicorn": 10.0 + cpu * 0.75, "postgres": {"7": 1.0 + cpu * 0.125, "8": cpu / 8}}
        (folder / name / "cpu-start.json").write_text(json.dumps(start))
        (folder / name / "cpu-end.json").write_text(json.dumps(end))
    with open(f"{prefix}_stats.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, FIELDS)
        writer.writeheader()
        for row in (("GET", "/campagnes/"), ("", "Aggregated")):
            writer.writerow(
                dict(zip(FIELDS, [*row, 100, failures, 40, p95, 900, rps], strict=True))
            )
    return str(prefix)


@pytest.fixture
def runs(tmp_path):
    def make(current_capacity: float, *, p95: int = 200, failures: int = 0) -> Path:
        rows = [
            ("référence (2e1e7d8)", 0, "scenario", 27.0, 380, 0, 0),
            ("actuel (abc1234)", 1, "scenario", 27.5, p95, failures, 0),
            ("référence (2e1e7d8)", 0, "capacity", 30.0, 2000, 0, 8.0),  # 8 s for 100 requests
            ("actuel (abc1234)", 1, "capacity", current_capacity, 900, 0, 3.2),
        ]
        path = tmp_path / "runs.tsv"
        with path.open("w", encoding="utf-8") as handle:
            handle.write("label\ttree\tphase\tround\tcsv\tbefore\tduring\tafter\tserver\n")
            for number, (label, tree, phase, rps, p, fails, cpu) in enumerate(rows):
                prefix = write_run(
                    tmp_path, f"run{number}", rps=rps, p95=p, failures=fails, cpu=cpu
                )
                handle.write(
                    f"{label}\t{tree}\t{phase}\t1\t{prefix}\t1.0 0.9 0.8\tmax 1.90, moyenne 1.50"
                    "\t1.2 1.0 0.9\t3 workers\n"
                )
        return path

    return make


def main(monkeypatch, runs_file: Path, report_file: Path) -> str:
    monkeypatch.setattr(
        "sys.argv",
        [
            "report.py",
            "--runs",
            str(runs_file),
            "--report",
            str(report_file),
            "--users",
            "50",
            "--duration",
            "2m",
        ],
    )
    report.main()
    return report_file.read_text(encoding="utf-8")


def test_it_compares_the_capacity_of_both_commits_and_states_the_load(runs, tmp_path, monkeypatch):
    text = main(monkeypatch, runs(63.0), tmp_path / "REPORT.md")
    assert "63.0 req/s contre 30.0 pour la référence, soit **2.10×**" in text
    assert "(objectif ≥ 2×) : atteint" in text
    assert "p95 du scénario (code actuel, pire tour) : 200 ms (objectif ≤ 300 ms) : atteint" in text
    assert "Erreurs (code actuel, toutes phases) : 0 : atteint" in text
    assert "| 1.0 0.9 0.8 | max 1.90, moyenne 1.50 | 1.2 1.0 0.9 |" in text  # uptime, 3 moments
    assert "machine partagée" in text
    # 100 requests served (the "Aggregated" line is not counted twice): 80 ms, then 32 ms.
    assert "par requête, phase capacité : 32.0 ms contre 80.0 ms, soit 2.50× moins" in text
    assert "| 80.0 | 1.0 0.9 0.8 |" in text
    assert "pendant les passages (moyenne sur 1 min, la plus haute) : 1.90 pour" in text


def test_a_loaded_machine_is_said_to_skew_the_requests_per_second(runs, tmp_path, monkeypatch):
    monkeypatch.setattr(report.os, "cpu_count", lambda: 2)
    runs_file = runs(63.0)
    runs_file.write_text(
        runs_file.read_text(encoding="utf-8").replace("max 1.90", "max 9.43"), encoding="utf-8"
    )
    text = main(monkeypatch, runs_file, tmp_path / "REPORT.md")
    assert "9.43 pour 2 cœurs : **machine chargée par d'autres travaux" in text


def test_a_goal_missed_is_said_so(runs, tmp_path, monkeypatch):
    text = main(monkeypatch, runs(45.0, p95=350, failures=2), tmp_path / "REPORT.md")
    assert "soit **1.50×** (objectif ≥ 2×) : **non atteint**" in text
    assert "350 ms (objectif ≤ 300 ms) : **non atteint**" in text
    assert "Erreurs (code actuel, toutes phases) : 2 : **non atteint**" in text


def test_the_previous_runs_stay_below_this_one(runs, tmp_path, monkeypatch):
    report_file = tmp_path / "REPORT.md"
    main(monkeypatch, runs(45.0), report_file)
    text = main(monkeypatch, runs(63.0), report_file)
    assert text.count(report.MARK) == 2
    assert text.index("soit **2.10×**") < text.index("soit **1.50×**")
