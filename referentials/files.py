"""The referential file contract (DESIGN.md §3): parse, validate and dump YAML, with no database.

`referential_file_parse` turns YAML text into the canonical dict (or raises ReferentialFileError
listing every error with its location, in French); `referential_data_validate` does the same for a
dict; `referential_file_dump` writes the canonical dict back in the documented shape, so that
parse(dump(data)) == data.
"""

import datetime
import re
from collections.abc import Callable
from typing import Any

import yaml
from django.utils.translation import gettext as _

from cqpm.core.errors import DomainError

from .models import Block, Capacity, EvaluationMethod, Referential

KINDS = ("results", "methods", "procedures")
TOP_KEYS = (
    "code",
    "title",
    "category",
    "level",
    "issuer",
    "last_modified",
    "objective",
    "missions",
    "blocks",
    "capacities",
    "notes",
)
CAPACITY_KEYS = ("number", "title", "conditions", "criteria", "methods")
BLOCK_KEYS = ("code", "title", "capacities")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class ReferentialFileError(DomainError):
    """A referential file breaks the contract; `errors` lists every problem with its location."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        header = _("Fichier de référentiel refusé (%(count)d erreur(s)) :") % {"count": len(errors)}
        super().__init__("\n".join([header, *(f"- {e}" for e in self.errors)]), code="invalid_file")


# --- YAML reading ---------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe loader that keeps dates as text (checked later, with a located message) and refuses
    duplicate keys instead of silently keeping the last one."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:
                continue  # unhashable key: the base constructor reports it
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key « {key} »", key_node.start_mark
                )
        return super().construct_mapping(node, deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# The commonest PyYAML problems, said in French; others are quoted as PyYAML words them.
_YAML_PROBLEMS = {
    "mapping values are not allowed here": "« : » inattendu (mettez le texte entre guillemets)",
    "could not find expected ':'": "« : » attendu après la clé",
    "found character '\\t' that cannot start any token": (
        "tabulation interdite (indentez avec des espaces)"
    ),
    "found undefined alias": "alias non défini",
    "expected <block end>, but found '-'": "élément de liste mal indenté",
    "expected <block end>, but found '<block mapping start>'": "indentation incohérente",
    "found unexpected end of stream": "fin de fichier inattendue (guillemet non fermé ?)",
}


def _yaml_error_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if problem.startswith("duplicate key"):
        detail = problem.replace("duplicate key", "clé en double")
    else:
        detail = _YAML_PROBLEMS.get(problem, f"syntaxe incorrecte ({problem})")
    if mark is None:
        return _("YAML invalide : %(detail)s") % {"detail": detail}
    return _("YAML invalide, ligne %(line)d, colonne %(column)d : %(detail)s") % {
        "line": mark.line + 1,
        "column": mark.column + 1,
        "detail": detail,
    }


def _line_map(node, path: str = "", lines: dict[str, int] | None = None) -> dict[str, int]:
    """Map each location (`capacities[2].criteria.results[0]`) to its 1-based line in the file."""
    lines = {} if lines is None else lines
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = f"{path}.{key_node.value}" if path else str(key_node.value)
            lines[child] = key_node.start_mark.line + 1
            _line_map(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = f"{path}[{index}]"
            lines[child] = item.start_mark.line + 1
            _line_map(item, child, lines)
    return lines


def referential_file_parse(*, text: str) -> dict:
    """Read YAML text into the canonical referential dict; raises ReferentialFileError."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise ReferentialFileError([_yaml_error_message(exc)]) from exc
    finally:
        loader.dispose()
    return referential_data_validate(data=data, lines=_line_map(node) if node else {})


# --- Validation -------------------------------------------------------------------------------

_MISSING = object()
_TYPE_NAMES = {
    str: "texte",
    int: "nombre entier",
    float: "nombre décimal",
    bool: "booléen",
    list: "liste",
    dict: "dictionnaire",
    type(None): "valeur vide",
    datetime.date: "date",
}


def _type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


class _Checker:
    """Collects every error with its location; each check returns the cleaned value or None."""

    def __init__(self, lines: dict[str, int]) -> None:
        self.errors: list[str] = []
        self.lines = lines

    def error(self, path: str, message: str) -> None:
        line = self.lines.get(path)
        suffix = _(" (ligne %(line)d)") % {"line": line} if line else ""
        self.errors.append(f"{path or _('(racine)')} : {message}{suffix}")

    def mapping(self, value: Any, path: str, allowed: tuple[str, ...]) -> dict | None:
        if not isinstance(value, dict):
            self.error(
                path, _("dictionnaire (clé : valeur) attendu, reçu : %s") % _type_name(value)
            )
            return None
        for key in value:
            if key not in allowed:
                self.error(
                    _join(path, str(key)),
                    _("clé inconnue (clés admises : %s)") % ", ".join(allowed),
                )
        return value

    def field(self, container: dict, key: str, path: str, check: Callable, **kwargs) -> Any:
        value = container.get(key, _MISSING)
        where = _join(path, key)
        if value is _MISSING:
            self.error(path, _("champ « %s » manquant") % key)
            return None
        return check(value, where, **kwargs)

    def text(self, value: Any, path: str, max_length: int | None = None) -> str | None:
        if value is None:
            self.error(path, _("champ vide"))
            return None
        if not isinstance(value, str):
            self.error(path, _("texte attendu, reçu : %s") % _type_name(value))
            return None
        cleaned = value.strip()
        if not cleaned:
            self.error(path, _("texte vide"))
            return None
        if max_length and len(cleaned) > max_length:
            self.error(
                path,
                _("texte trop long (%(length)d caractères, %(max)d au plus)")
                % {"length": len(cleaned), "max": max_length},
            )
            return None
        return cleaned

    def items(self, value: Any, path: str, item: Callable, required: bool = False) -> list | None:
        if value is None and not required:
            return []
        if not isinstance(value, list):
            self.error(path, _("liste attendue, reçu : %s") % _type_name(value))
            return None
        if required and not value:
            self.error(path, _("liste vide"))
            return None
        cleaned = [item(element, f"{path}[{index}]") for index, element in enumerate(value)]
        return None if any(element is None for element in cleaned) else cleaned

    def texts(self, value: Any, path: str, required: bool = False) -> list[str] | None:
        return self.items(value, path, self.text, required=required)

    def number(self, value: Any, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, _("nombre entier attendu, reçu : %s") % _type_name(value))
            return None
        if value < 1:
            self.error(path, _("le numéro doit être supérieur ou égal à 1"))
            return None
        return value

    def date(self, value: Any, path: str) -> datetime.date | None:
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        if isinstance(value, str) and DATE_RE.match(value.strip()):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.error(path, _("date invalide « %s » (format attendu : AAAA-MM-JJ)") % value)
        return None

    def method(self, value: Any, path: str) -> str | None:
        if value not in EvaluationMethod.values:
            self.error(
                path,
                _("modalité d'évaluation inconnue « %(code)s » (admises : %(codes)s)")
                % {"code": value, "codes": ", ".join(EvaluationMethod.values)},
            )
            return None
        return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def referential_data_validate(*, data: Any, lines: dict[str, int] | None = None) -> dict:
    """Check a referential dict against the contract and return it canonical; raises
    ReferentialFileError with every error located (`capacities[2].criteria.results[0] : ...`)."""
    check = _Checker(lines or {})
    if data is None:
        raise ReferentialFileError([_("(racine) : le fichier est vide")])
    root = check.mapping(data, "", TOP_KEYS)
    if root is None:
        raise ReferentialFileError(check.errors)
    clean = _check_header(check, root)
    clean["blocks"] = []  # placeholder: keeps the contract's key order (blocks, then capacities)
    clean["capacities"] = check.field(root, "capacities", "", _capacities_checker(check))
    raw_capacities = root.get("capacities")
    clean["blocks"] = _check_blocks(
        check, root.get("blocks"), raw_capacities if isinstance(raw_capacities, list) else None
    )
    if root.get("notes") is not None:
        notes = check.text(root["notes"], "notes")
        if notes:
            clean["notes"] = notes
    if check.errors:
        raise ReferentialFileError(check.errors)
    return clean


def _check_header(check: _Checker, root: dict) -> dict:
    clean: dict[str, Any] = {
        "code": check.field(
            root, "code", "", check.text, max_length=_max_length(Referential, "code")
        ),
        "title": check.field(
            root, "title", "", check.text, max_length=_max_length(Referential, "title")
        ),
    }
    if "category" not in root and "level" not in root:
        check.error("", _("champ « category » ou « level » manquant (l'un des deux est requis)"))
    for key in ("category", "level"):
        if key in root:
            clean[key] = check.text(root[key], key, max_length=_max_length(Referential, key))
    clean["issuer"] = check.field(
        root, "issuer", "", check.text, max_length=_max_length(Referential, "issuer")
    )
    clean["last_modified"] = check.field(root, "last_modified", "", check.date)
    clean["objective"] = check.field(root, "objective", "", check.text)
    clean["missions"] = check.field(root, "missions", "", check.texts, required=True)
    return clean


def _capacities_checker(check: _Checker) -> Callable:
    def capacities(value: Any, path: str) -> list | None:
        cleaned = check.items(value, path, lambda v, p: _check_capacity(check, v, p), required=True)
        if isinstance(value, list):
            _check_numbering(check, value, path)
        return cleaned

    return capacities


def _safe_number(value: Any) -> int | None:
    number = value.get("number") if isinstance(value, dict) else None
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def _check_numbering(check: _Checker, capacities: list, path: str) -> None:
    seen: dict[int, int] = {}
    previous = 0
    for index, capacity in enumerate(capacities):
        number = _safe_number(capacity)
        if number is None:
            continue
        where = f"{path}[{index}].number"
        if number in seen:
            check.error(
                where,
                _("numéro de capacité %(number)d en double (déjà utilisé par %(path)s[%(other)d])")
                % {"number": number, "path": path, "other": seen[number]},
            )
        elif number < previous:
            check.error(where, _("les capacités doivent être rangées par numéro croissant"))
        seen.setdefault(number, index)
        previous = max(previous, number)


def _check_capacity(check: _Checker, value: Any, path: str) -> dict | None:
    capacity = check.mapping(value, path, CAPACITY_KEYS)
    if capacity is None:
        return None
    errors_before = len(check.errors)
    clean = {
        "number": check.field(capacity, "number", path, check.number),
        "title": check.field(
            capacity, "title", path, check.text, max_length=_max_length(Capacity, "title")
        ),
        "conditions": check.field(capacity, "conditions", path, check.texts, required=True),
        "criteria": check.field(
            capacity, "criteria", path, lambda v, p: _check_criteria(check, v, p)
        ),
        "methods": check.field(capacity, "methods", path, lambda v, p: _check_methods(check, v, p)),
    }
    return clean if len(check.errors) == errors_before else None


def _check_criteria(check: _Checker, value: Any, path: str) -> dict | None:
    criteria = check.mapping(value, path, KINDS)
    if criteria is None:
        return None
    return {kind: check.texts(criteria.get(kind), f"{path}.{kind}") for kind in KINDS}


def _check_methods(check: _Checker, value: Any, path: str) -> list[str] | None:
    methods = check.items(value, path, check.method, required=True)
    if methods is not None:
        for index, code in enumerate(methods):
            if code in methods[:index]:
                check.error(f"{path}[{index}]", _("modalité « %s » indiquée deux fois") % code)
                return None
    return methods


def _check_blocks(check: _Checker, value: Any, capacities: list | None) -> list:
    """Blocks group existing capacities, each capacity in one block at most."""
    blocks = check.items(value, "blocks", lambda v, p: _check_block(check, v, p))
    if not blocks:
        return []
    numbers = {_safe_number(capacity) for capacity in capacities or []}
    placed: dict[int, str] = {}
    codes: set[str] = set()
    for index, block in enumerate(blocks):
        path = f"blocks[{index}]"
        if block["code"] in codes:
            check.error(f"{path}.code", _("code de bloc « %s » en double") % block["code"])
        codes.add(block["code"])
        for position, number in enumerate(block["capacities"]):
            where = f"{path}.capacities[{position}]"
            if capacities is not None and number not in numbers:
                check.error(where, _("la capacité %d n'existe pas dans ce référentiel") % number)
            elif number in placed:
                check.error(
                    where,
                    _("la capacité %(number)d est déjà dans le bloc « %(block)s »")
                    % {"number": number, "block": placed[number]},
                )
            placed.setdefault(number, block["code"])
    # The database keeps capacities in number order: so does the canonical form.
    return [{**block, "capacities": sorted(block["capacities"])} for block in blocks]


def _check_block(check: _Checker, value: Any, path: str) -> dict | None:
    block = check.mapping(value, path, BLOCK_KEYS)
    if block is None:
        return None
    errors_before = len(check.errors)
    clean = {
        "code": check.field(block, "code", path, check.text, max_length=_max_length(Block, "code")),
        "title": check.field(
            block, "title", path, check.text, max_length=_max_length(Block, "title")
        ),
        "capacities": check.field(
            block, "capacities", path, lambda v, p: check.items(v, p, check.number, required=True)
        ),
    }
    return clean if len(check.errors) == errors_before else None


# --- YAML writing -----------------------------------------------------------------------------


class _Flow(list):
    """A short list written on one line: `methods: [professional_project, interview]`."""


class _Plain(str):
    """A code written without quotes."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)  # indent lists under their key


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        # Literal block ("|"): paragraphs and sub-items read as in the source.
        return dumper.represent_scalar("tag:yaml.org,2002:str", value + "\n", style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(
    _Plain, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", str(value))
)
_Dumper.add_representer(
    dict,
    lambda dumper, value: dumper.represent_mapping(
        "tag:yaml.org,2002:map", {_Plain(key): item for key, item in value.items()}
    ),
)
_Dumper.add_representer(
    _Flow, lambda dumper, value: dumper.represent_sequence("tag:yaml.org,2002:seq", value, True)
)


def _styled(data: dict) -> dict:
    styled = dict(data)
    styled["blocks"] = [
        {**block, "capacities": _Flow(block["capacities"])} for block in data["blocks"]
    ]
    styled["capacities"] = [
        {**capacity, "methods": _Flow(_Plain(code) for code in capacity["methods"])}
        for capacity in data["capacities"]
    ]
    return styled


def referential_file_dump(*, data: dict) -> str:
    """Write a canonical referential dict as YAML in the documented shape and key order."""
    return yaml.dump(
        _styled(data),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=10_000,
    )
