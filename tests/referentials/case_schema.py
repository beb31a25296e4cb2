"""The CASE 1.1 JSON binding's shapes (1EdTech, caseservicev1p1), as strict pydantic models:
required fields required, unknown fields refused, identifiers UUIDs, dates ISO 8601 in UTC.

Only the objects our endpoints serve are modelled (no rubrics, concepts, subjects, licences)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

Uuid = Annotated[
    str,
    StringConstraints(
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
    ),
]
Uri = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z][a-zA-Z0-9+.-]*:.+$")]
DateTime = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")]
Date = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d\d-\d\d$")]
AssociationType = Literal[
    "isChildOf",
    "isPeerOf",
    "isPartOf",
    "exactMatchOf",
    "precedes",
    "isRelatedTo",
    "replacedBy",
    "exemplar",
    "hasSkillLevel",
    "isTranslationOf",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LinkURI(Strict):
    title: str
    identifier: Uuid
    uri: Uri


class LinkGenURI(Strict):
    title: str
    identifier: str
    uri: Uri
    targetType: str | None = None


class CFPckgDocument(Strict):
    identifier: Uuid
    uri: Uri
    frameworkType: str | None = None
    caseVersion: Literal["1.1"] | None = None
    creator: str
    title: str
    lastChangeDateTime: DateTime
    officialSourceURL: Uri | None = None
    publisher: str | None = None
    description: str | None = None
    subject: list[str] | None = None
    language: str | None = None
    version: str | None = None
    adoptionStatus: str | None = None
    statusStartDate: Date | None = None
    statusEndDate: Date | None = None
    licenseURI: LinkURI | None = None
    notes: str | None = None


class CFDocument(CFPckgDocument):
    CFPackageURI: LinkURI


class CFPckgItem(Strict):
    identifier: Uuid
    fullStatement: str
    alternativeLabel: str | None = None
    CFItemType: str | None = None
    uri: Uri
    humanCodingScheme: str | None = None
    listEnumeration: str | None = None
    abbreviatedStatement: str | None = None
    conceptKeywords: list[str] | None = None
    notes: str | None = None
    language: str | None = None
    educationLevel: list[str] | None = None
    CFItemTypeURI: LinkURI | None = None
    licenseURI: LinkURI | None = None
    statusStartDate: Date | None = None
    statusEndDate: Date | None = None
    lastChangeDateTime: DateTime


class CFItem(CFPckgItem):
    CFDocumentURI: LinkURI


class CFPckgAssociation(Strict):
    identifier: Uuid
    associationType: AssociationType
    sequenceNumber: int | None = None
    uri: Uri
    originNodeURI: LinkGenURI
    destinationNodeURI: LinkGenURI
    CFAssociationGroupingURI: LinkURI | None = None
    lastChangeDateTime: DateTime
    notes: str | None = None


class CFAssociation(CFPckgAssociation):
    CFDocumentURI: LinkURI | None = None


class CFItemType(Strict):
    identifier: Uuid
    uri: Uri
    title: str
    description: str
    hierarchyCode: str
    typeCode: str | None = None
    lastChangeDateTime: DateTime


class CFDefinition(Strict):
    CFItemTypes: list[CFItemType] | None = None


class CFPackage(Strict):
    CFDocument: CFPckgDocument
    CFItems: list[CFPckgItem] | None = None
    CFAssociations: list[CFPckgAssociation] | None = None
    CFDefinitions: CFDefinition | None = None
