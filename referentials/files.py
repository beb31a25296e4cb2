"""The referential file contract (DESIGN.md §3): parse, validate and dump YAML, with no database.

`referential_file_parse` turns YAML text into the canonical dict (or raises ReferentialFileError
listing every error with its location, in French); `referential_data_validate` does the same for a
dict; `referential_file_dump` writes the canonical dict back in the documented shape, so that
parse(dump(data)) == data.
"""

import datetime
import re
from typing import Annotated, Any, Literal

import yaml
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic.types import Strict
from pydantic_core import PydanticCustomError

from cqpm.core.errors import DomainError
from cqpm.core.validation import INTEGER_RANGES, text_problems

from .models import Block, Capacity, EvaluationMethod, Referential
from .validators import normalize_rncp_code, validate_rncp_code

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
    "rncp_registered",
    "rncp_number",
    "blocks",
    "capacities",
    "notes",
)
CAPACITY_KEYS = ("number", "title", "conditions", "criteria", "methods")
BLOCK_KEYS = ("code", "title", "capacities")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ReferentialFileError(DomainError):
    """A referential file breaks the contract; `errors` lists every problem with its location."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        header = _("Fichier de référentiel refusé (%(count)d erreur(s)) :") % {"count": len(errors)}
        super().__init__("\n".join([header, *(f"- {e}" for e in self.errors)]), code="invalid_file")


# --- YAML reading ---------------------------------------------------------------------------


# libyaml's parser when PyYAML was built with it (the wheels are): ten times faster on big files.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):
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

# PyYAML's and libyaml's problems, said in French (matched on the start of their wording).
_YAML_PROBLEMS = (
    ("mapping values are not allowed", "« : » inattendu (mettez le texte entre guillemets)"),
    ("did not find expected key", "indentation incohérente"),
    ("did not find expected '-' indicator", "élément de liste mal indenté"),
    ("did not find expected node content", "valeur attendue"),
    (
        "did not find expected ',' or ']'",
        "« , » ou « ] » attendu (liste entre crochets mal fermée)",
    ),
    ("did not find expected ',' or '}'", "« , » ou « } » attendu (dictionnaire mal fermé)"),
    ("did not find expected comment or line break", "texte inattendu en fin de ligne"),
    ("found character that cannot start any token", "caractère interdit à cet endroit"),
    ("control characters are not allowed", "caractère de contrôle interdit"),
    ("found unexpected end of stream", "fin de fichier inattendue (guillemet non fermé ?)"),
    ("found unknown escape character", "séquence d'échappement inconnue après « \\ »"),
    ("found undefined tag handle", "étiquette YAML (!...) non admise"),
    ("exceeded max", "imbrication trop profonde"),
    ("found a tab character", "tabulation interdite (indentez avec des espaces)"),
    ("could not find expected ':'", "« : » attendu après la clé"),
    (
        "found character '\\t' that cannot start any token",
        "tabulation interdite (indentez avec des espaces)",
    ),
    ("found character", "caractère interdit à cet endroit"),
    ("found undefined alias", "alias non défini"),
    ("expected <block end>, but found '-'", "élément de liste mal indenté"),
    ("expected <block end>, but found '<block mapping start>'", "indentation incohérente"),
    ("expected <block end>", "indentation incohérente"),
    ("found unexpected end of stream", "fin de fichier inattendue (guillemet non fermé ?)"),
    ("found unknown escape character", "séquence d'échappement inconnue après « \\ »"),
    ("expected ',' or ']'", "« , » ou « ] » attendu (liste entre crochets mal fermée)"),
    ("expected ',' or '}'", "« , » ou « } » attendu (dictionnaire entre accolades mal fermé)"),
    ("found unhashable key", "clé qui n'est pas un texte simple"),
    ("could not determine a constructor", "étiquette YAML (!...) non admise"),
    ("found a tab character", "tabulation interdite (indentez avec des espaces)"),
    ("special characters are not allowed", "caractère spécial interdit dans le fichier"),
    ("expected a single document", "un seul document YAML attendu (retirez « --- »)"),
    ("found duplicate anchor", "ancre en double"),
)


def _yaml_error_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = str(getattr(exc, "problem", None) or "")
    if problem.startswith("duplicate key"):
        detail = problem.replace("duplicate key", "clé en double")
    else:
        detail = next(
            (french for english, french in _YAML_PROBLEMS if problem.startswith(english)),
            "syntaxe YAML incorrecte",
        )
    if mark is None:
        return _("YAML invalide : %(detail)s") % {"detail": detail}
    return _("YAML invalide, ligne %(line)d, colonne %(column)d : %(detail)s") % {
        "line": mark.line + 1,
        "column": mark.column + 1,
        "detail": detail,
    }


def _marks(node, path: str = "", marks: dict | None = None) -> dict[str, tuple[int, int]]:
    """Map each location (`capacities[2].criteria.results[0]`) to its line and column."""
    marks = {} if marks is None else marks
    stack = [(node, path)]
    while stack:  # iterative: depth is already bounded, but no recursion is needed
        current, where = stack.pop()
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                child = f"{where}.{key_node.value}" if where else str(key_node.value)
                marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                stack.append((value_node, child))
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                child = f"{where}[{index}]"
                marks[child] = (item.start_mark.line + 1, item.start_mark.column + 1)
                stack.append((item, child))
    return marks


def referential_file_parse(*, text: str) -> dict:
    """Read YAML text into the canonical referential dict, within limits (size, nesting, no
    aliases); raises ReferentialFileError."""
    _check_limits(text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise ReferentialFileError([_yaml_error_message(exc)]) from exc
    finally:
        loader.dispose()
    return referential_data_validate(data=data, marks=_marks(node) if node else {})


# --- Limits on the text, before any object is built -----------------------------------------

MAX_FILE_BYTES = 1024 * 1024  # the seed referential is 16 KB
MAX_DEPTH = 8  # root > capacities > capacity > criteria > results > text is 5 levels
MAX_EVENTS = 10_000  # the seed has about 300: thirty times that still builds in well under 1 s
MAX_COLLECTION = 250  # items of one list or keys of one mapping
MAX_SCALAR = 20_000  # characters of one text (an objective is a few hundred)


def _check_limits(text: str) -> None:
    """Walk the YAML events once, streaming: refuse anchors and aliases (an alias bomb expands
    without bound), nesting deeper than any referential needs, and oversized files, before
    PyYAML builds anything. Each refusal is located."""
    if len(text) > MAX_FILE_BYTES or len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ReferentialFileError(
            [_("fichier trop volumineux (%(max)d Ko au plus)") % {"max": MAX_FILE_BYTES // 1024}]
        )
    sizes: list[list[int]] = []
    try:
        for count, event in enumerate(yaml.parse(text, Loader=_SafeLoader)):
            _check_event(event, sizes, count)
    except yaml.YAMLError as exc:
        raise ReferentialFileError([_yaml_error_message(exc)]) from exc


def _check_event(event: yaml.Event, sizes: list[list[int]], count: int) -> None:
    """One event of the stream; `sizes` holds [nodes, limit] for each open collection (a
    mapping's keys and values are both nodes, so its limit is doubled)."""
    mark = event.start_mark
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
        raise _limit(mark, _("ancres et alias YAML (& et *) refusés"))
    if count > MAX_EVENTS:
        raise _limit(mark, _("fichier trop long (%(max)d éléments au plus)") % {"max": MAX_EVENTS})
    if isinstance(event, yaml.CollectionEndEvent):
        sizes.pop()
        return
    if isinstance(event, yaml.NodeEvent) and sizes:
        sizes[-1][0] += 1
        if sizes[-1][0] > sizes[-1][1]:
            raise _limit(
                mark, _("liste trop longue (%(max)d éléments au plus)") % {"max": MAX_COLLECTION}
            )
    if isinstance(event, yaml.CollectionStartEvent):
        mapping = isinstance(event, yaml.MappingStartEvent)
        sizes.append([0, MAX_COLLECTION * (2 if mapping else 1)])
        if len(sizes) > MAX_DEPTH:
            raise _limit(
                mark, _("imbrication trop profonde (%(max)d niveaux au plus)") % {"max": MAX_DEPTH}
            )
    elif isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_SCALAR:
        raise _limit(mark, _("texte trop long (%(max)d caractères au plus)") % {"max": MAX_SCALAR})


def _limit(mark, detail: str) -> ReferentialFileError:
    return ReferentialFileError(
        [
            _("YAML refusé, ligne %(line)d, colonne %(column)d : %(detail)s")
            % {"line": mark.line + 1, "column": mark.column + 1, "detail": detail}
        ]
    )


# --- The declared schema ----------------------------------------------------------------------
#
# One pydantic model of the file format: types, required keys, lengths (from the model fields),
# list sizes and the integer range the database can hold. Its errors are said in French with
# their location; rules across items (numbering, blocks, duplicates) are checked after it.

MAX_CAPACITIES = 100
MAX_ITEMS = 200  # conditions, criteria of one kind, missions, blocks, capacities of a block


def _clean_text(value: str) -> str:
    problems = text_problems(value, multiline=True)
    if problems:
        raise PydanticCustomError("control", problems[0].rstrip("."))
    return value


Text = Annotated[
    str,
    Strict(),
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(_clean_text),
]


def _text(model, name: str):
    return Annotated[Text, StringConstraints(max_length=model._meta.get_field(name).max_length)]


def _rncp_code(value: str) -> str:
    """« RNCP 35231 » is written RNCP35231; anything else than RNCP and digits is refused."""
    code = normalize_rncp_code(value)
    try:
        validate_rncp_code(code)
    except DjangoValidationError as exc:
        raise PydanticCustomError("rncp_code", exc.messages[0].rstrip(".")) from exc
    return code


def _number_range(model, name: str) -> tuple[int, int]:
    low, high = INTEGER_RANGES[model._meta.get_field(name).get_internal_type()]
    return max(low, 1), high


_NUMBER_MIN, _NUMBER_MAX = _number_range(Capacity, "number")
Number = Annotated[StrictInt, Field(ge=_NUMBER_MIN, le=_NUMBER_MAX)]
Method = Literal[tuple(EvaluationMethod.values)]  # type: ignore[valid-type]
Texts = Annotated[list[Text], Field(min_length=1, max_length=MAX_ITEMS)]
OptionalTexts = Annotated[list[Text] | None, Field(max_length=MAX_ITEMS)]


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and DATE_RE.match(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError(
        "date",
        "date invalide « {value} » (format attendu : AAAA-MM-JJ)",
        {"value": str(value)[:40]},
    )


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class CriteriaFile(_Schema):
    results: OptionalTexts = None
    methods: OptionalTexts = None
    procedures: OptionalTexts = None


class CapacityFile(_Schema):
    number: Number
    title: _text(Capacity, "title")
    conditions: Texts
    criteria: CriteriaFile
    methods: Annotated[list[Method], Field(min_length=1, max_length=len(EvaluationMethod.values))]


class BlockFile(_Schema):
    code: _text(Block, "code")
    title: _text(Block, "title")
    capacities: Annotated[list[Number], Field(min_length=1, max_length=MAX_ITEMS)]


class ReferentialFile(_Schema):
    """The referential file contract (DESIGN.md §3)."""

    code: _text(Referential, "code")
    title: _text(Referential, "title")
    category: _text(Referential, "category") | None = None
    level: _text(Referential, "level") | None = None
    issuer: _text(Referential, "issuer")
    last_modified: Annotated[datetime.date, BeforeValidator(_date)]
    objective: Text
    missions: Texts
    # Optional: a CQPM registered in the RNCP (its validated blocks stay valid 5 years).
    rncp_registered: bool = False
    rncp_number: Annotated[_text(Referential, "rncp_code"), AfterValidator(_rncp_code)] | None = (
        None
    )
    blocks: Annotated[list[BlockFile] | None, Field(max_length=MAX_ITEMS)] = None
    capacities: Annotated[list[CapacityFile], Field(min_length=1, max_length=MAX_CAPACITIES)]
    notes: Text | None = None


ALLOWED_KEYS = {
    (): TOP_KEYS,
    ("capacities",): CAPACITY_KEYS,
    ("capacities", "criteria"): KINDS,
    ("blocks",): BLOCK_KEYS,
}
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


def _path(loc: tuple) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _french(error: dict) -> tuple[tuple, str]:
    """(location, French message) of one pydantic error."""
    kind, loc, value, ctx = error["type"], error["loc"], error.get("input"), error.get("ctx", {})
    if kind == "missing":
        return loc[:-1], _("champ « %s » manquant") % loc[-1]
    if kind == "extra_forbidden":
        allowed = ALLOWED_KEYS.get(tuple(p for p in loc[:-1] if not isinstance(p, int)), ())
        return loc, _("clé inconnue (clés admises : %s)") % ", ".join(allowed)
    if kind in (
        "string_type",
        "int_type",
        "list_type",
        "model_type",
        "dict_type",
        "model_attributes_type",
        "bool_type",
    ):
        if value is None and kind == "string_type":
            return loc, _("champ vide")
        expected = {
            "string_type": _("texte attendu"),
            "int_type": _("nombre entier attendu"),
            "list_type": _("liste attendue"),
            "bool_type": _("booléen attendu (true ou false)"),
        }.get(kind, _("dictionnaire (clé : valeur) attendu"))
        return loc, _("%(expected)s, reçu : %(type)s") % {
            "expected": expected,
            "type": _type_name(value),
        }
    if kind == "string_too_short":
        return loc, _("texte vide")
    if kind == "string_too_long" or kind == "too_long" and isinstance(value, str):
        return loc, _("texte trop long (%(length)d caractères, %(max)d au plus)") % {
            "length": len(value.strip()),
            "max": ctx["max_length"],
        }
    if kind == "too_short":
        return loc, _("liste vide")
    if kind == "too_long":
        return loc, _("liste trop longue (%(length)d éléments, %(max)d au plus)") % {
            "length": len(value),
            "max": ctx["max_length"],
        }
    if kind == "greater_than_equal":
        return loc, _("le numéro doit être supérieur ou égal à %d") % ctx["ge"]
    if kind == "less_than_equal":
        return loc, _("nombre trop grand (%(max)d au plus)") % {"max": ctx["le"]}
    if kind == "literal_error":
        return loc, _("modalité d'évaluation inconnue « %(code)s » (admises : %(codes)s)") % {
            "code": str(value)[:60],
            "codes": ", ".join(EvaluationMethod.values),
        }
    if kind in ("date", "control"):
        return loc, error["msg"]
    return loc, _("valeur incorrecte")


class _Errors:
    """Every error of a file, located: `capacities[2].criteria.results[0] : texte vide (ligne 14,
    colonne 7)`."""

    def __init__(self, marks: dict[str, tuple[int, int]]) -> None:
        self.marks = marks
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        mark = self.marks.get(path)
        suffix = (
            _(" (ligne %(line)d, colonne %(column)d)") % {"line": mark[0], "column": mark[1]}
            if mark
            else ""
        )
        self.items.append(f"{path or _('(racine)')} : {message}{suffix}")


def referential_data_validate(
    *, data: Any, marks: dict[str, tuple[int, int]] | None = None
) -> dict:
    """Check a referential dict against the declared schema and return it canonical; raises
    ReferentialFileError with every error located (`capacities[2].criteria.results[0] : ...`)."""
    if data is None:
        raise ReferentialFileError([_("(racine) : le fichier est vide")])
    errors = _Errors(marks or {})
    parsed = None
    try:
        parsed = ReferentialFile.model_validate(data)
    except PydanticValidationError as exc:
        for error in exc.errors(include_url=False):
            loc, message = _french(error)
            errors.add(_path(loc), message)
    if isinstance(data, dict):
        _check_across(errors, data)
    if errors.items:
        raise ReferentialFileError(errors.items)
    return _canonical(parsed)


def _check_across(errors: _Errors, data: dict) -> None:
    """Rules across items, on the raw data (so that they are reported with the type errors)."""
    if "category" not in data and "level" not in data:
        errors.add("", _("champ « category » ou « level » manquant (l'un des deux est requis)"))
    if data.get("rncp_number") and data.get("rncp_registered") is not True:
        errors.add("rncp_number", _("numéro RNCP donné sans « rncp_registered: true »"))
    capacities = data.get("capacities") if isinstance(data.get("capacities"), list) else []
    _check_numbering(errors, capacities)
    for index, capacity in enumerate(capacities):
        methods = capacity.get("methods") if isinstance(capacity, dict) else None
        for position, code in enumerate(methods if isinstance(methods, list) else []):
            if isinstance(code, str) and code in methods[:position]:
                errors.add(
                    f"capacities[{index}].methods[{position}]",
                    _("modalité « %s » indiquée deux fois") % code,
                )
                break
    blocks = data.get("blocks")
    if isinstance(blocks, list):
        _check_blocks(errors, blocks, {_safe_number(c) for c in capacities})


def _safe_number(value: Any) -> int | None:
    number = value.get("number") if isinstance(value, dict) else None
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def _check_numbering(errors: _Errors, capacities: list) -> None:
    seen: dict[int, int] = {}
    previous = 0
    for index, capacity in enumerate(capacities):
        number = _safe_number(capacity)
        if number is None:
            continue
        where = f"capacities[{index}].number"
        if number in seen:
            errors.add(
                where,
                _("numéro de capacité %(number)d en double (déjà utilisé par %(path)s[%(other)d])")
                % {"number": number, "path": "capacities", "other": seen[number]},
            )
        elif number < previous:
            errors.add(where, _("les capacités doivent être rangées par numéro croissant"))
        seen.setdefault(number, index)
        previous = max(previous, number)


def _check_blocks(errors: _Errors, blocks: list, numbers: set) -> None:
    """Blocks group existing capacities, each capacity in one block at most."""
    placed: dict[int, str] = {}
    codes: set = set()
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        path = f"blocks[{index}]"
        code = block.get("code")
        if isinstance(code, str) and code.strip() in codes:
            errors.add(f"{path}.code", _("code de bloc « %s » en double") % code.strip())
        codes.add(code.strip() if isinstance(code, str) else code)
        members = block.get("capacities")
        for position, number in enumerate(members if isinstance(members, list) else []):
            if not isinstance(number, int) or isinstance(number, bool):
                continue
            where = f"{path}.capacities[{position}]"
            if number not in numbers:
                errors.add(where, _("la capacité %d n'existe pas dans ce référentiel") % number)
            elif number in placed:
                errors.add(
                    where,
                    _("la capacité %(number)d est déjà dans le bloc « %(block)s »")
                    % {"number": number, "block": placed[number]},
                )
            placed.setdefault(number, block.get("code"))


def _canonical(parsed: ReferentialFile) -> dict:
    """The canonical dict, in the contract's key order (what export writes back)."""
    clean: dict[str, Any] = {"code": parsed.code, "title": parsed.title}
    for key in ("category", "level"):
        if getattr(parsed, key) is not None:
            clean[key] = getattr(parsed, key)
    clean.update(
        issuer=parsed.issuer,
        last_modified=parsed.last_modified,
        objective=parsed.objective,
        missions=list(parsed.missions),
    )
    # Written only when set: files of CQPM outside the RNCP keep their shape.
    if parsed.rncp_registered:
        clean["rncp_registered"] = True
        if parsed.rncp_number:
            clean["rncp_number"] = parsed.rncp_number
    clean.update(
        # The database keeps capacities in number order: so does the canonical form.
        blocks=[
            {"code": b.code, "title": b.title, "capacities": sorted(b.capacities)}
            for b in parsed.blocks or []
        ],
        capacities=[
            {
                "number": c.number,
                "title": c.title,
                "conditions": list(c.conditions),
                "criteria": {kind: list(getattr(c.criteria, kind) or []) for kind in KINDS},
                "methods": list(c.methods),
            }
            for c in parsed.capacities
        ],
    )
    if parsed.notes:
        clean["notes"] = parsed.notes
    return clean


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
