"""The CDC's XML flux (schema `urn:cdc:cpf:pc5:schema:1.0.0`), written and checked; no database.

`write_flux()` streams a flux with `lxml.etree.xmlfile`: one `passageCertification` element is
built, written and dropped at a time, so 10,000 holders never sit in memory together. Each
holder's values are fingerprinted (SHA-256 of what is written): a later export compares fingerprints
to see whose deposited data has changed since (a correction to deposit again).

`validate()` checks a written flux against the XSD named by `settings.CDC_XSD_PATH` (the kit's
newer version replaces the file, nothing else), streaming too, and answers the errors found.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from typing import IO, Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from lxml import etree

NS = "urn:cdc:cpf:pc5:schema:1.0.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"cpf": NS, "xsi": XSI}
NIL = f"{{{XSI}}}nil"
PARIS = ZoneInfo("Europe/Paris")


class XmlWriter(Protocol):
    """What the flux is written through: lxml's incremental writer (`etree.xmlfile`)."""

    def element(
        self,
        tag: str,
        attrib: Mapping[str, str] | None = ...,
        nsmap: Mapping[str, str] | None = ...,
    ) -> AbstractContextManager[None]: ...

    def write(self, *args: object) -> None: ...

    def flush(self) -> None: ...


# What the certifier deposits: a decision of the jury, certified by the certifier itself.
OBTENTION = "PAR_ADMISSION"


@dataclass(frozen=True)
class FluxHeader:
    id_flux: str
    timestamp: datetime.datetime  # aware; written in Europe/Paris with its offset
    emitter_client_id: str
    client_id: str
    contract_id: str
    depositor: str = "CERTIFICATEUR"  # or TIERS_CONFIANCE


@dataclass(frozen=True)
class HolderRow:
    """One holder's passage as the flux says it (the product's values, already mapped)."""

    id_technique: str
    rncp_code: str
    jury_date: datetime.date
    birth_name: str
    usage_name: str
    first_name: str
    second_first_name: str
    third_first_name: str
    sex: str
    birth_date: datetime.date | None
    birth_place_insee: str
    birth_postal_code: str
    birth_place_label: str
    birth_country_code: str
    birth_country_label: str
    access_mode: str
    vae_way: str = ""
    initiative: str = ""
    registered_on: datetime.date | None = None
    # A validated block of competences (its RNCP code is `rncp_code`): it lapses then.
    valid_until: datetime.date | None = None
    # Not written: what the check and the pages link to.
    registration_id: int = 0
    label: str = ""
    block_id: int | None = None
    block_label: str = ""


def q(name: str) -> str:
    return f"{{{NS}}}{name}"


# A passage as data: (element name, its text, or None for xsi:nil, or its children).
Node = tuple[str, "str | None | list[Node]"]


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def certification_type(code: str) -> str:
    """RS for a code of the Répertoire spécifique, RNCP otherwise."""
    return "RS" if code.upper().startswith("RS") else "RNCP"


def passage_nodes(row: HolderRow) -> list[Node]:
    """The children of one holder's `passageCertification`, in the XSD's order (an xsd:all)."""
    inscription: list[Node] = [("modaliteAcces", row.access_mode or None)]
    if row.vae_way:
        inscription.append(("voieAccessVAE", row.vae_way))
    if row.initiative:
        inscription.append(("initiativeInscription", row.initiative))
    if row.registered_on:
        inscription.append(("dateInscription", _text(row.registered_on)))
    return [
        ("idTechnique", row.id_technique),
        ("obtentionCertification", OBTENTION),
        ("donneeCertifiee", "true"),
        ("dateDebutValidite", _text(row.jury_date)),
        # A CQPM does not lapse (nil); a validated block does, at its end.
        ("dateFinValidite", _text(row.valid_until) if row.valid_until else None),
        ("presenceNiveauLangueEuro", "false"),
        ("presenceNiveauNumeriqueEuro", "false"),
        ("scoring", None),
        ("mentionValidee", None),
        ("modalitesInscription", inscription),
        ("identificationTitulaire", [("titulaire", _titulaire(row))]),
    ]


def _titulaire(row: HolderRow) -> list[Node]:
    born = row.birth_date
    nodes: list[Node] = [
        ("nomNaissance", row.birth_name),
        ("nomUsage", row.usage_name or None),
        ("prenom1", row.first_name),
    ]
    if row.second_first_name:
        nodes.append(("prenom2", row.second_first_name))
    if row.third_first_name:
        nodes.append(("prenom3", row.third_first_name))
    nodes += [
        ("anneeNaissance", _text(born.year) if born else None),
        ("moisNaissance", _text(born.month) if born else None),
        ("jourNaissance", _text(born.day) if born else None),
        ("sexe", row.sex),
    ]
    if row.birth_place_insee:
        commune: Node = ("codeInseeNaissance", [("codeInsee", row.birth_place_insee)])
    else:
        commune = ("codePostalNaissance", [("codePostal", row.birth_postal_code or None)])
    nodes.append(("codeCommuneNaissance", [commune]))
    for name, value in (
        ("libelleCommuneNaissance", row.birth_place_label),
        ("codePaysNaissance", row.birth_country_code),
        ("libellePaysNaissance", row.birth_country_label),
    ):
        if value:
            nodes.append((name, value))
    return nodes


def fingerprint_of(nodes: list[Node]) -> str:
    return hashlib.sha256(json.dumps(nodes, ensure_ascii=False).encode()).hexdigest()


def fingerprint(row: HolderRow) -> str:
    """What is deposited for this holder, as a hash: changes when any written value changes."""
    return fingerprint_of(passage_nodes(row))


def passage_element(row: HolderRow) -> etree._Element:
    """One holder's `passageCertification` as a tree (tests, the bare serialisation)."""
    element = etree.Element(q("passageCertification"), nsmap=NSMAP)
    _build(element, passage_nodes(row))
    return element


def _build(parent: etree._Element, nodes: list[Node]) -> None:
    for name, value in nodes:
        child = etree.SubElement(parent, q(name))
        if value is None:
            child.set(NIL, "true")
        elif isinstance(value, str):
            child.text = value
        else:
            _build(child, value)


def _emit(xf: XmlWriter, nodes: list[Node]) -> None:
    for name, value in nodes:
        if value is None:
            with xf.element(q(name), {NIL: "true"}):
                pass
        elif isinstance(value, str):
            with xf.element(q(name)):
                xf.write(value)
        else:
            with xf.element(q(name)):
                _emit(xf, value)


def write_flux(out: IO[bytes], header: FluxHeader, rows: Iterable[HolderRow]) -> dict[str, str]:
    """Stream the flux of `rows` (ordered by RNCP code) into `out`; answer each holder's
    fingerprint by idTechnique. One `certification` per RNCP code."""
    fingerprints: dict[str, str] = {}
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(q("flux"), nsmap=NSMAP):
            _emit(xf, [("idFlux", header.id_flux)])
            _emit(xf, [("horodatage", paris_timestamp(header.timestamp))])
            with xf.element(q("emetteur")):
                _emit(xf, [("idClient", header.emitter_client_id)])
                with xf.element(q("certificateurs")), xf.element(q("certificateur")):
                    _emit(xf, [("idClient", header.client_id), ("idContrat", header.contract_id)])
                    with xf.element(q("certifications")):
                        for code, group in groupby(rows, key=lambda r: r.rncp_code):
                            _certification(xf, header, code, group, fingerprints)
    return fingerprints


def _certification(
    xf: XmlWriter, header: FluxHeader, code: str, rows: Iterator[HolderRow], prints: dict[str, str]
) -> None:
    with xf.element(q("certification")):
        _emit(xf, [("type", certification_type(code)), ("code", code)])
        _emit(xf, [("natureDeposant", header.depositor)])
        with xf.element(q("passageCertifications")):
            xf.write("\n")
            for row in rows:
                nodes = passage_nodes(row)
                prints[row.id_technique] = fingerprint_of(nodes)
                with xf.element(q("passageCertification")):
                    _emit(xf, nodes)
                xf.write("\n")  # one holder a line: the XSD's errors name the holder's line
            xf.flush()


def paris_timestamp(moment: datetime.datetime) -> str:
    """ISO date-time in Europe/Paris with its offset, to the second (the XSD's pattern)."""
    return moment.astimezone(PARIS).isoformat(timespec="seconds")


@lru_cache(maxsize=4)
def _schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def schema() -> etree.XMLSchema:
    """The XSD of `settings.CDC_XSD_PATH`, parsed once."""
    return _schema(str(settings.CDC_XSD_PATH))


def validate(source: IO[bytes], *, limit: int = 20) -> list[str]:
    """The XSD's errors for the flux read from `source` (streamed; [] when it validates)."""
    xsd = schema()
    etree.clear_error_log()  # the log is the thread's: a former parse's errors are not ours
    try:
        for _event, element in etree.iterparse(source, events=("end",), schema=xsd):
            if element.tag == q("passageCertification"):
                element.clear(keep_tail=True)
    except etree.XMLSyntaxError as exc:
        errors = [f"ligne {e.line} : {e.message}" for e in exc.error_log if e.line][:limit]
        return errors or [str(exc)]
    return []
