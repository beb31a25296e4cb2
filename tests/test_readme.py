"""The README's demo-accounts table is what `seed_demo` prints on the default settings."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from cqpm.settings import env


@pytest.mark.django_db
def test_it_shows_in_the_readme_the_accounts_seed_demo_prints():
    if env.str("SECRET_KEY", default=""):
        pytest.skip("passwords are derived from a SECRET_KEY other than the default")
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    lines = [line.split("\t") for line in out.getvalue().splitlines() if "\t" in line]
    assert len(lines) == 15
    for cells in lines:
        row = "| " + " | ".join(f"`{c}`" if c else "" for c in cells + [""] * (5 - len(cells)))
        assert row + " |" in readme, row
