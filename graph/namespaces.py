"""The RDF namespaces of edkg: its ontology, its vocabularies and the standards it aligns with."""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace


class EDKG(DefinedNamespace):
    """The terms of the edkg ontology (ontology/edkg.ttl); an unknown term is an error."""

    _fail = True
    _NS = Namespace("https://w3id.org/edkg/ontology#")

    # Classes
    Case: URIRef
    Person: URIRef
    Organisation: URIRef
    Place: URIRef
    Country: URIRef
    Province: URIRef
    Municipality: URIRef
    CrossingPoint: URIRef
    DetentionFacility: URIRef
    Source: URIRef
    Testimony: URIRef
    Document: URIRef
    MediaReport: URIRef
    Event: URIRef
    EscapeAttempt: URIRef
    BorderCrossing: URIRef
    Arrest: URIRef
    Detention: URIRef
    Interrogation: URIRef
    Transfer: URIRef
    Repatriation: URIRef
    Release: URIRef
    Disappearance: URIRef
    LastSighting: URIRef
    RelativeAction: URIRef
    Inquiry: URIRef
    Petition: URIRef

    # Cases
    hasPerson: URIRef
    hasEvent: URIRef
    reportedDate: URIRef
    submittedBy: URIRef
    familyNotified: URIRef
    officialResponse: URIRef
    hasSource: URIRef

    # Persons and their relationships
    birthDate: URIRef
    earliestBirthDate: URIRef
    latestBirthDate: URIRef
    sex: URIRef
    role: URIRef
    reason: URIRef
    connectionToSource: URIRef
    whereabouts: URIRef
    consent: URIRef
    hasRelative: URIRef
    hasParent: URIRef
    hasChild: URIRef
    hasSibling: URIRef
    hasSpouse: URIRef

    # Events
    sequence: URIRef
    victim: URIRef
    perpetrator: URIRef
    perpetratorPerson: URIRef
    place: URIRef
    fromPlace: URIRef
    toPlace: URIRef

    # Dates
    date: URIRef
    earliestDate: URIRef
    latestDate: URIRef
    datePrecision: URIRef

    # Sources
    reliability: URIRef
    withdrawn: URIRef

    # Places
    locatedIn: URIRef
    countryCode: URIRef
    facilityType: URIRef
    operatedBy: URIRef

    # Organisations
    agency: URIRef
    country: URIRef

    # Links to other datasets
    Link: URIRef
    linkMethod: URIRef
    matchScore: URIRef

    # Restricted: never published
    legalName: URIRef
    interviewee: URIRef
    contactDetails: URIRef
    confidentialNote: URIRef

    # Annotation properties and datatypes
    restricted: URIRef
    eventClass: URIRef
    relationshipProperty: URIRef
    huridocsCode: URIRef
    RecordFormatConstraintComponent: URIRef


VOCAB = Namespace("https://w3id.org/edkg/vocab/")
"""Base of the concept schemes: ``VOCAB["agency"]``, a scheme; ``VOCAB["agency/kp-mss"]``."""

SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
"""The Simple Event Model."""

CRM = Namespace("http://www.cidoc-crm.org/cidoc-crm/")
"""CIDOC Conceptual Reference Model."""

WGS84 = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
"""W3C WGS84 Geo Positioning vocabulary (lat, long)."""

EDTF = Namespace("http://id.loc.gov/datatypes/edtf/")
"""Library of Congress EDTF datatypes: ``EDTF.EDTF`` is the datatype of every edkg date."""

SCHEMA = Namespace("http://schema.org/")
"""schema.org, in its http form as the records use it."""
