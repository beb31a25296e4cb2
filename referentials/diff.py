"""What changes between two versions of a referential, in words staff read before publishing."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .files import KINDS

HEADER = (
    "title",
    "category",
    "level",
    "issuer",
    "last_modified",
    "objective",
    "missions",
    "rncp_registered",
    "rncp_number",
    "notes",
)


@dataclass(frozen=True)
class Change:
    """One difference: `kind` is added, removed or changed; `where` says what, in French."""

    kind: str
    where: str
    before: str = ""
    after: str = ""


def referential_diff(*, before: dict, after: dict) -> list[Change]:
    """Differences between two canonical referential dicts (header, blocks, capacities, their
    conditions and criteria), in file order."""
    changes = [
        Change(
            "changed",
            _("En-tête : %(field)s") % {"field": name},
            _str(before.get(name)),
            _str(after.get(name)),
        )  # fmt: skip
        for name in HEADER
        if before.get(name) != after.get(name)
    ]
    if before.get("blocks") != after.get("blocks"):
        changes.append(Change("changed", _("Blocs de compétences"), _str(before.get("blocks")),
                              _str(after.get("blocks"))))  # fmt: skip
    old = {c["number"]: c for c in before.get("capacities", [])}
    new = {c["number"]: c for c in after.get("capacities", [])}
    for number in sorted(old.keys() | new.keys()):
        where = _("Capacité %(number)d") % {"number": number}
        if number not in new:
            changes.append(Change("removed", where, old[number]["title"]))
        elif number not in old:
            changes.append(Change("added", where, after=new[number]["title"]))
        else:
            changes += _capacity_diff(where, old[number], new[number])
    return changes


def _capacity_diff(where: str, old: dict, new: dict) -> list[Change]:
    changes = []
    if old["title"] != new["title"]:
        changes.append(Change("changed", _("%(where)s : intitulé") % {"where": where},
                              old["title"], new["title"]))  # fmt: skip
    if old["methods"] != new["methods"]:
        changes.append(Change("changed", _("%(where)s : modalités") % {"where": where},
                              ", ".join(old["methods"]), ", ".join(new["methods"])))  # fmt: skip
    changes += _texts(_("%(where)s : condition") % {"where": where},
                      old["conditions"], new["conditions"])  # fmt: skip
    for kind in KINDS:
        changes += _texts(
            _("%(where)s : critère (%(kind)s)") % {"where": where, "kind": kind},
            old["criteria"][kind],
            new["criteria"][kind],
        )
    return changes


def _texts(where: str, old: list[str], new: list[str]) -> list[Change]:
    """Texts removed and added (a reworded text is one of each), in the new list's order."""
    removed = [Change("removed", where, text) for text in old if text not in new]
    added = [Change("added", where, after=text) for text in new if text not in old]
    return removed + added


def _str(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ; ".join(_str(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_str(item)}" for key, item in value.items())
    return str(value)
