"""Lint of the ontology, its concept schemes and every file that uses their terms.

Each test reads the repository's own files, so it fails on a real defect: a term used but not
declared, a label without a language, a concept missing from a scheme or from docs/model.md.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from edkg.namespaces import EDKG
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS, VANN

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = ROOT / "ontology"
EDKG_TTL = ONTOLOGY_DIR / "edkg.ttl"
VOCABULARY_DIR = ONTOLOGY_DIR / "vocabularies"
CONTEXT = ONTOLOGY_DIR / "context.jsonld"
SHAPES = ONTOLOGY_DIR / "shapes.ttl"
MODEL = ROOT / "docs" / "model.md"

ONTOLOGY = URIRef("https://w3id.org/edkg/ontology")
EDKG_NS = "https://w3id.org/edkg/ontology#"
VOCAB_NS = "https://w3id.org/edkg/vocab/"
HURIDOCS = "huridocs"
EDTF = URIRef("http://id.loc.gov/datatypes/edtf/EDTF")
SH = Namespace("http://www.w3.org/ns/shacl#")

# The predicates whose values are text for people: each must say its language.
TEXT_PREDICATES = (RDFS.label, RDFS.comment, SKOS.prefLabel, SKOS.altLabel, SKOS.definition)
MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch)


# --------------------------------------------------------------------------------------------
# Reading the files


def vocabulary_paths() -> list[Path]:
    return sorted(VOCABULARY_DIR.glob("*.ttl"))


def ontology_paths() -> list[Path]:
    """Every Turtle source under ontology/."""
    paths = [EDKG_TTL, *vocabulary_paths()]
    if SHAPES.exists():
        paths.append(SHAPES)
    return paths


def query_paths() -> list[Path]:
    return sorted((ROOT / "queries").glob("*.rq"))


def record_paths() -> list[Path]:
    return sorted((ROOT / "data").glob("**/*.yaml"))


def code_paths() -> list[Path]:
    return sorted(p for d in ("graph", "server") for p in (ROOT / d).glob("**/*.py"))


@cache
def graph_of(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@cache
def ontology() -> Graph:
    return graph_of(EDKG_TTL)


@cache
def declared_terms() -> frozenset[URIRef]:
    """The edkg: IRIs that edkg.ttl declares, that is gives a type."""
    return frozenset(
        s for s in ontology().subjects(RDF.type) if isinstance(s, URIRef) and s.startswith(EDKG_NS)
    )


@cache
def vocabularies() -> Graph:
    merged = Graph()
    for path in vocabulary_paths():
        merged += graph_of(path)
    return merged


@cache
def declared_vocab_iris() -> frozenset[URIRef]:
    """Every concept scheme and concept of ontology/vocabularies."""
    voc = vocabularies()
    found = set(voc.subjects(RDF.type, SKOS.ConceptScheme)) | set(
        voc.subjects(RDF.type, SKOS.Concept)
    )
    return frozenset(iri for iri in found if isinstance(iri, URIRef))


@cache
def context() -> dict:
    return json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]


def context_prefixes() -> dict[str, str]:
    return {
        key: value
        for key, value in context().items()
        if isinstance(value, str) and value.endswith(("/", "#")) and not key.startswith("@")
    }


def expand(value: str) -> str:
    """Expand a compact IRI of the context (``edkg:Case``) with the context's prefixes."""
    prefix, sep, local = value.partition(":")
    prefixes = context_prefixes()
    if sep and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    return value


def context_strings(node=None) -> list[str]:
    """Every string in the context, keys aside, expanded."""
    node = context() if node is None else node
    if isinstance(node, dict):
        return [s for value in node.values() for s in context_strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in context_strings(value)]
    if isinstance(node, str):
        return [expand(node)]
    return []


def context_terms() -> dict[str, dict]:
    """Top-level term definitions of the context, as expanded dictionaries."""
    terms = {}
    for key, value in context().items():
        if key.startswith("@") or key in context_prefixes():
            continue
        definition = {"@id": value} if isinstance(value, str) else dict(value)
        definition["@id"] = expand(definition.get("@id", ""))
        if isinstance(definition.get("@type"), str):
            definition["@type"] = expand(definition["@type"])
        terms[key] = definition
    return terms


_PREFIX_DECL = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I | re.M)
_FULL_IRI = re.compile(r"https://w3id\.org/edkg/(?:ontology#[A-Za-z_]\w*|vocab/[\w./-]*[\w-])")


def _prefixed(prefix: str, text: str) -> list[str]:
    pattern = rf"(?<![\w:-]){re.escape(prefix)}:([A-Za-z0-9_](?:[\w.-]*[\w-])?)"
    return re.findall(pattern, text)


def iris_in_text(path: Path) -> set[str]:
    """The edkg ontology and vocabulary IRIs a text file names, full or prefixed."""
    text = path.read_text(encoding="utf-8")
    prefixes = {"edkg": EDKG_NS}
    if path.suffix == ".rq":
        prefixes.update((p or "", iri) for p, iri in _PREFIX_DECL.findall(text))
        text = _PREFIX_DECL.sub("", text)
    found = set()
    if path.suffix == ".py" and re.search(r"namespaces import [^\n]*\bEDKG\b", text):
        found |= {EDKG_NS + name for name in re.findall(r"\bEDKG\.([A-Za-z_]\w*)", text)}
        found |= {EDKG_NS + name for name in re.findall(r'\bEDKG\[\s*"([^"]+)"\s*\]', text)}
    found |= set(_FULL_IRI.findall(text))
    for prefix, iri in prefixes.items():
        if iri.startswith((EDKG_NS, VOCAB_NS)) and path.suffix != ".py":
            found |= {iri + local for local in _prefixed(prefix, text)}
    return found


def iris_in_rdf(graph: Graph) -> set[str]:
    """Every IRI of a graph, including literal datatypes."""
    found = set()
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef):
                found.add(str(term))
            elif isinstance(term, Literal) and term.datatype is not None:
                found.add(str(term.datatype))
    return found


def used_iris(path: Path) -> set[str]:
    """The IRIs a file uses; a shapes file's own shapes are its declarations, not uses."""
    if path == CONTEXT:
        return set(context_strings()) - set(context_prefixes().values())
    if path.suffix == ".ttl":
        graph = graph_of(path)
        shapes = set(graph.subjects(RDF.type, SH.NodeShape)) | set(
            graph.subjects(RDF.type, SH.PropertyShape)
        )
        return {iri for iri in iris_in_rdf(graph) if URIRef(iri) not in shapes}
    return iris_in_text(path)


def files_using_terms() -> list[Path]:
    return [*ontology_paths(), CONTEXT, *query_paths(), *record_paths(), *code_paths()]


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def langs(graph: Graph, subject, predicate) -> list[str | None]:
    return [
        o.language if isinstance(o, Literal) else None for o in graph.objects(subject, predicate)
    ]


def model_section(title: str) -> str:
    """The text of a section of docs/model.md, from its heading to the next heading."""
    text = MODEL.read_text(encoding="utf-8")
    match = re.search(rf"^#+ {re.escape(title)}.*?$(.*?)(?=^#|\Z)", text, re.M | re.S)
    assert match, f"docs/model.md has no section {title!r}"
    return match.group(1)


def model_vocabularies() -> dict[str, str]:
    """Scheme name -> the text of its bullet in docs/model.md, continuation lines joined."""
    bullets: dict[str, str] = {}
    current = None
    for line in model_section("Vocabularies").splitlines():
        start = re.match(r"- `([a-z-]+)`:(.*)", line)
        if start:
            current = start.group(1)
            bullets[current] = start.group(2)
        elif current and line.startswith("  "):
            bullets[current] += " " + line.strip()
        else:
            current = None
    return bullets


def model_event_classes() -> dict[str, str]:
    """Event type code -> class name, from docs/model.md."""
    text = MODEL.read_text(encoding="utf-8")
    paragraph = re.search(r"Event `type` codes and classes:(.*?)\n\n", text, re.S)
    assert paragraph, "docs/model.md no longer lists the event type codes and classes"
    return dict(re.findall(r"`([a-z-]+)`\s+([A-Z][A-Za-z]+)", paragraph.group(1)))


def model_codes(scheme: str, bullet: str) -> tuple[set[str], dict[str, str]]:
    """The codes a bullet lists, and the broader concept of each narrower one."""
    if scheme == "event-type":
        return set(model_event_classes()), {}
    # The list ends at the first full stop; what follows is commentary.
    listing = re.split(r"\.(?:\s|$)", bullet, maxsplit=1)[0]
    codes = {c for c in re.findall(r"`([^`]+)`", listing) if ":" not in c}
    broader = {}
    for group in listing.split(";"):
        if "(broader of)" in group:
            head, *rest = re.findall(r"`([^`:]+)`", group)
            broader.update((code, head) for code in rest)
    return codes, broader


def scheme_of(path: Path) -> URIRef:
    return URIRef(VOCAB_NS + path.stem)


def concepts_of(graph: Graph) -> set[URIRef]:
    return {c for c in graph.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)}


def huridocs_graph() -> Graph:
    return graph_of(VOCABULARY_DIR / f"{HURIDOCS}.ttl")


def subclasses(cls: URIRef) -> set[URIRef]:
    """Every class below cls in edkg.ttl."""
    found, todo = set(), [cls]
    while todo:
        for sub in ontology().subjects(RDFS.subClassOf, todo.pop()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


# --------------------------------------------------------------------------------------------
# Files


def test_the_expected_files_exist():
    schemes = set(model_vocabularies())
    assert EDKG_TTL.is_file()
    assert len(schemes) == 13, f"docs/model.md lists {sorted(schemes)}"
    assert {p.stem for p in vocabulary_paths()} == schemes | {HURIDOCS}


@pytest.mark.parametrize("path", ontology_paths(), ids=rel)
def test_turtle_parses_with_rdflib_and_oxigraph(path):
    graph = graph_of(path)
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    assert len(graph) > 0
    assert len(quads) >= len(graph)


# --------------------------------------------------------------------------------------------
# The ontology


def test_ontology_header():
    g = ontology()
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in g
    version = g.value(ONTOLOGY, OWL.versionIRI)
    assert isinstance(version, URIRef) and version.startswith(str(ONTOLOGY) + "/")
    assert g.value(ONTOLOGY, OWL.versionInfo) is not None
    assert str(version).endswith("/" + str(g.value(ONTOLOGY, OWL.versionInfo)))
    assert g.value(ONTOLOGY, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert g.value(ONTOLOGY, DCTERMS.creator) is not None
    for predicate in (DCTERMS.created, DCTERMS.modified):
        value = g.value(ONTOLOGY, predicate)
        assert isinstance(value, Literal) and value.datatype == XSD.date, predicate
    assert str(g.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "edkg"
    assert str(g.value(ONTOLOGY, VANN.preferredNamespaceUri)) == EDKG_NS
    for predicate in (DCTERMS.title, RDFS.label):
        assert {"en", "ko"} <= set(langs(g, ONTOLOGY, predicate)), predicate
    assert "en" in langs(g, ONTOLOGY, SKOS.definition)


def test_every_term_is_declared_labelled_and_defined():
    g = ontology()
    subjects = {s for s in g.subjects() if isinstance(s, URIRef) and s.startswith(EDKG_NS)}
    assert len(subjects) > 70
    problems = []
    for term in sorted(subjects):
        missing = []
        if g.value(term, RDF.type) is None:
            missing.append("rdf:type")
        for lang in ("en", "ko"):
            if lang not in langs(g, term, RDFS.label):
                missing.append(f"rdfs:label@{lang}")
        if "en" not in langs(g, term, SKOS.definition):
            missing.append("skos:definition@en")
        if (term, RDFS.isDefinedBy, ONTOLOGY) not in g:
            missing.append("rdfs:isDefinedBy")
        if missing:
            problems.append(f"{term.removeprefix(EDKG_NS)}: {', '.join(missing)}")
    assert not problems, "\n".join(problems)


def test_term_names_follow_the_house_style():
    g = ontology()
    for term in declared_terms():
        name = term.removeprefix(EDKG_NS)
        kinds = set(g.objects(term, RDF.type))
        component = URIRef("http://www.w3.org/ns/shacl#ConstraintComponent")
        if OWL.Class in kinds or component in kinds:  # SHACL names its components UpperCamel
            assert re.fullmatch(r"[A-Z][A-Za-z]+", name), name
        else:
            assert re.fullmatch(r"[a-z][A-Za-z]+", name), name


def test_no_term_has_two_english_or_korean_labels():
    g = ontology()
    for term in declared_terms():
        for lang in ("en", "ko"):
            assert langs(g, term, RDFS.label).count(lang) == 1, (term, lang)


def test_labels_are_unique():
    g = ontology()
    seen: dict[tuple[str, str], URIRef] = {}
    for term in sorted(declared_terms()):
        for label in g.objects(term, RDFS.label):
            key = (str(label), label.language)
            assert key not in seen, f"{term} and {seen[key]} share the label {key}"
            seen[key] = term


@pytest.mark.parametrize("path", files_using_terms(), ids=rel)
def test_every_edkg_term_used_is_declared(path):
    used = {iri for iri in used_iris(path) if iri.startswith(EDKG_NS)}
    undeclared = sorted(used - {str(t) for t in declared_terms()})
    assert not undeclared, f"{rel(path)} uses undeclared terms: {undeclared}"


@pytest.mark.parametrize("path", files_using_terms(), ids=rel)
def test_every_vocabulary_iri_used_exists(path):
    used = {iri for iri in used_iris(path) if iri.startswith(VOCAB_NS) and not iri.endswith("/")}
    unknown = sorted(used - {str(i) for i in declared_vocab_iris()})
    assert not unknown, f"{rel(path)} names concepts or schemes that do not exist: {unknown}"


def test_the_term_collectors_find_terms():
    """The lint above would pass vacuously if these found nothing."""
    assert EDKG_NS + "hasPerson" in used_iris(CONTEXT)
    assert VOCAB_NS + "event-type" in used_iris(VOCABULARY_DIR / "event-type.ttl")
    if query_paths():
        assert any(i.startswith(EDKG_NS) for p in query_paths() for i in used_iris(p))


@pytest.mark.parametrize("path", ontology_paths(), ids=rel)
def test_text_has_a_language(path):
    g = graph_of(path)
    untagged = [
        f"{s} {p.n3(g.namespace_manager)} {o!r}"
        for p in TEXT_PREDICATES
        for s, o in g.subject_objects(p)
        if not (isinstance(o, Literal) and o.language)
    ]
    assert not untagged, "\n".join(untagged)


def test_restricted_properties_are_the_ones_docs_model_names():
    section = model_section("Restricted fields and consent")
    terms = context_terms()
    keys = [k for k in re.findall(r"`([a-z_]+)`", section) if k in terms]
    assert len(keys) == 4, keys
    expected = {URIRef(terms[k]["@id"]) for k in keys}
    marked = {s for s, o in ontology().subject_objects(EDKG.restricted) if o.toPython() is True}
    assert marked == expected
    assert (EDKG.restricted, RDF.type, OWL.AnnotationProperty) in ontology()


def test_restricted_properties_feed_no_public_property():
    """A reasoner must not be able to copy a restricted value into a published property."""
    g = ontology()
    for prop in g.subjects(EDKG.restricted, Literal(True)):
        assert g.value(prop, RDFS.subPropertyOf) is None, prop
        assert g.value(prop, OWL.equivalentProperty) is None, prop
        assert (None, RDFS.subPropertyOf, prop) not in g, prop


def test_relationship_properties():
    g = ontology()
    assert (EDKG.hasParent, OWL.inverseOf, EDKG.hasChild) in g
    for prop in (EDKG.hasRelative, EDKG.hasSibling, EDKG.hasSpouse):
        assert (prop, RDF.type, OWL.SymmetricProperty) in g, prop
    for prop in (EDKG.hasParent, EDKG.hasChild, EDKG.hasSibling, EDKG.hasSpouse):
        assert (prop, RDFS.subPropertyOf, EDKG.hasRelative) in g, prop
    assert (EDKG.locatedIn, RDF.type, OWL.TransitiveProperty) in g
    assert (
        EDKG.hasSource,
        RDFS.subPropertyOf,
        PROV.wasDerivedFrom,
    ) in g


def test_date_ranges():
    g = ontology()
    for prop in (EDKG.date, EDKG.birthDate, EDKG.reportedDate):
        assert g.value(prop, RDFS.range) == EDTF, prop
    for prop in (EDKG.earliestDate, EDKG.latestDate, EDKG.earliestBirthDate, EDKG.latestBirthDate):
        assert g.value(prop, RDFS.range) == XSD.date, prop


def test_every_class_has_a_superclass_or_a_match():
    g = ontology()
    for cls in g.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef) and cls.startswith(EDKG_NS):
            assert g.value(cls, RDFS.subClassOf) or g.value(cls, SKOS.closeMatch), cls


def test_the_python_namespace_has_exactly_the_declared_terms():
    assert {URIRef(str(t)) for t in dir(EDKG)} == set(declared_terms())
    with pytest.raises(AttributeError):
        EDKG.notATerm  # noqa: B018


# --------------------------------------------------------------------------------------------
# The JSON-LD context


def test_context_coercion_agrees_with_the_ontology():
    g = ontology()
    problems = []
    for key, definition in context_terms().items():
        iri = URIRef(definition["@id"])
        if not iri.startswith(EDKG_NS):
            continue
        kinds = set(g.objects(iri, RDF.type))
        coerce = definition.get("@type")
        if OWL.Class in kinds:
            continue
        if coerce is None:  # nested objects or plain strings: the context does not say which
            continue
        if coerce in ("@vocab", "@id"):
            if OWL.ObjectProperty not in kinds:
                problems.append(f"{key}: {iri} holds IRIs but is not an owl:ObjectProperty")
        else:
            if OWL.DatatypeProperty not in kinds:
                problems.append(f"{key}: {iri} holds literals but is not an owl:DatatypeProperty")
            declared = g.value(iri, RDFS.range)
            if declared and str(declared) != coerce:
                problems.append(f"{key}: the context says {coerce}, the ontology {declared}")
    assert not problems, "\n".join(problems)


def test_context_vocabulary_keys_point_at_schemes():
    schemes = set(vocabularies().subjects(RDF.type, SKOS.ConceptScheme))
    checked = 0
    for key, definition in context_terms().items():
        vocab = definition.get("@context", {}).get("@vocab", "")
        if not vocab.startswith(VOCAB_NS):
            continue
        checked += 1
        scheme = URIRef(vocab.rstrip("/"))
        assert vocab == str(scheme) + "/", key
        assert scheme in schemes, f"{key}: {scheme} is not a concept scheme"
        assert ontology().value(URIRef(definition["@id"]), RDFS.range) == SKOS.Concept, key
    assert checked >= 10


def test_context_event_types_match_the_event_type_scheme():
    scoped = context()["events"]["@context"]
    from_context = {code: URIRef(expand(cls)) for code, cls in scoped.items()}
    voc = graph_of(VOCABULARY_DIR / "event-type.ttl")
    from_scheme = {
        str(voc.value(c, SKOS.notation)): voc.value(c, EDKG.eventClass) for c in concepts_of(voc)
    }
    assert from_context == from_scheme


# --------------------------------------------------------------------------------------------
# Concept schemes


@pytest.mark.parametrize("path", vocabulary_paths(), ids=rel)
def test_concept_scheme(path):
    g = graph_of(path)
    scheme = scheme_of(path)
    assert set(g.subjects(RDF.type, SKOS.ConceptScheme)) == {scheme}
    assert {"en", "ko"} <= set(langs(g, scheme, SKOS.prefLabel))
    assert g.value(scheme, DCTERMS.title) is not None
    assert "en" in langs(g, scheme, SKOS.definition)
    assert g.value(scheme, DCTERMS.license) is not None

    concepts = concepts_of(g)
    assert concepts
    tops = set(g.objects(scheme, SKOS.hasTopConcept))
    assert tops == set(g.subjects(SKOS.topConceptOf, scheme))
    problems = []
    for concept in sorted(concepts):
        missing = []
        if set(g.objects(concept, SKOS.inScheme)) != {scheme}:
            missing.append("skos:inScheme")
        if g.value(concept, SKOS.notation) is None:
            missing.append("skos:notation")
        if (concept, RDFS.isDefinedBy, scheme) not in g:
            missing.append("rdfs:isDefinedBy")
        labels = langs(g, concept, SKOS.prefLabel)
        wanted = ("en", "fr", "es") if path.stem == HURIDOCS else ("en", "ko")
        missing += [f"skos:prefLabel@{lang}" for lang in wanted if labels.count(lang) != 1]
        if path.stem != HURIDOCS and "en" not in langs(g, concept, SKOS.definition):
            missing.append("skos:definition@en")
        if concept in tops and g.value(concept, SKOS.broader) is not None:
            missing.append("a top concept with a broader concept")
        for broader in g.objects(concept, SKOS.broader):
            if broader not in concepts:
                missing.append(f"skos:broader {broader} outside the scheme")
        if missing:
            problems.append(f"{concept}: {', '.join(missing)}")
    assert not problems, "\n".join(problems)

    reached, todo = set(), list(tops)
    while todo:
        concept = todo.pop()
        if concept not in reached:
            reached.add(concept)
            todo.extend(g.subjects(SKOS.broader, concept))
    assert concepts == reached, f"not reachable from a top concept: {sorted(concepts - reached)}"


@pytest.mark.parametrize("path", vocabulary_paths(), ids=rel)
def test_no_two_concepts_share_a_label(path):
    g = graph_of(path)
    seen: dict[tuple[str, str], URIRef] = {}
    for concept in sorted(concepts_of(g)):
        for label in g.objects(concept, SKOS.prefLabel):
            key = (str(label).casefold(), label.language)
            assert key not in seen, f"{concept} and {seen[key]} share the label {label!r}"
            seen[key] = concept


@pytest.mark.parametrize("scheme", sorted(model_vocabularies()))
def test_scheme_codes_equal_docs_model(scheme):
    codes, broader = model_codes(scheme, model_vocabularies()[scheme])
    assert codes, f"no codes read for {scheme} from docs/model.md"
    g = graph_of(VOCABULARY_DIR / f"{scheme}.ttl")
    base = f"{VOCAB_NS}{scheme}/"
    concepts = concepts_of(g)
    assert {c.removeprefix(base) for c in concepts} == codes
    for concept in concepts:
        assert str(g.value(concept, SKOS.notation)) == concept.removeprefix(base)
    for narrower, parent in broader.items():
        assert g.value(URIRef(base + narrower), SKOS.broader) == URIRef(base + parent)
    has_broader = {c.removeprefix(base) for c in g.subjects(SKOS.broader)}
    assert has_broader == set(broader)


def test_event_types_name_every_concrete_event_class():
    g = graph_of(VOCABULARY_DIR / "event-type.ttl")
    named = {}
    for concept in concepts_of(g):
        cls = g.value(concept, EDKG.eventClass)
        assert cls in declared_terms() and (cls, RDF.type, OWL.Class) in ontology(), concept
        named[str(g.value(concept, SKOS.notation))] = cls
    leaves = {c for c in subclasses(EDKG.Event) if not subclasses(c)}
    assert set(named.values()) == leaves
    assert {code: URIRef(EDKG_NS + cls) for code, cls in model_event_classes().items()} == named
    assert subclasses(EDKG.RelativeAction) == {EDKG.Inquiry, EDKG.Petition}


def test_relationship_concepts_name_every_family_property():
    g = graph_of(VOCABULARY_DIR / "relationship.ttl")
    named = [g.value(c, EDKG.relationshipProperty) for c in concepts_of(g)]
    family = {EDKG.hasRelative} | set(ontology().subjects(RDFS.subPropertyOf, EDKG.hasRelative))
    assert sorted(named) == sorted(family)


# --------------------------------------------------------------------------------------------
# HURIDOCS


def huridocs_number(concept: URIRef) -> str:
    return concept.removeprefix(f"{VOCAB_NS}{HURIDOCS}/")


def test_huridocs_concepts_are_consistent():
    """The IRI is the HURIDOCS vocab number: the twelve-digit code, then the micro-thesaurus."""
    g = huridocs_graph()
    concepts = concepts_of(g)
    assert concepts
    for concept in concepts:
        number = huridocs_number(concept)
        assert re.fullmatch(r"\d{14}", number), concept
        notation = g.value(concept, SKOS.notation)
        assert notation.datatype == EDKG.huridocsCode, concept
        assert re.fullmatch(r"\d{12}", str(notation)), concept
        assert number[:12] == str(notation), concept
        assert f"micro-thesaurus {int(number[12:])}" in str(g.value(concept, SKOS.note)), concept
        for broader in g.objects(concept, SKOS.broader):
            parent = huridocs_number(broader)
            assert parent[12:] == number[12:], f"{concept}: parent in another micro-thesaurus"
            stem = re.sub(r"(00)+$", "", parent[:12])
            assert number.startswith(stem) and parent != number, concept
    assert (EDKG.huridocsCode, RDF.type, RDFS.Datatype) in ontology()


def mapping_targets() -> dict[URIRef, set[URIRef]]:
    """HURIDOCS concept -> the edkg terms and concepts mapped to it."""
    prefix = f"{VOCAB_NS}{HURIDOCS}/"
    targets = defaultdict(set)
    for path in [EDKG_TTL, *vocabulary_paths()]:
        g = graph_of(path)
        for predicate in MAPPINGS:
            for s, o in g.subject_objects(predicate):
                if isinstance(o, URIRef) and o.startswith(prefix):
                    targets[o].add(s)
    return targets


def test_every_huridocs_mapping_target_exists():
    targets = mapping_targets()
    assert len(targets) > 20
    missing = set(targets) - concepts_of(huridocs_graph())
    assert not missing, sorted(missing)


def test_huridocs_holds_only_mapped_terms_and_their_parents():
    g = huridocs_graph()
    wanted, todo = set(), list(mapping_targets())
    while todo:
        concept = todo.pop()
        if concept not in wanted:
            wanted.add(concept)
            todo.extend(g.objects(concept, SKOS.broader))
    assert concepts_of(g) == wanted


def test_no_concept_is_both_an_exact_and_a_close_match():
    for path in [EDKG_TTL, *vocabulary_paths()]:
        g = graph_of(path)
        for s, o in g.subject_objects(SKOS.exactMatch):
            assert (s, SKOS.closeMatch, o) not in g, (s, o)
