"""Records to JSON-LD: identifiers, dates, restricted fields, and every kind of bad record."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from edkg import dates, records


def _convert(paths):
    collection = records.read(paths)
    return records.convert(collection)


def _copy(records_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "records"
    shutil.copytree(records_dir, target)
    return target


def _write_case(root: Path, text: str, name: str = "T001.yaml") -> Path:
    path = root / "cases" / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _nodes(converted, kind_prefix: str) -> dict[str, dict]:
    found = {}
    for item in converted:
        for node in item.public:
            found[node["id"]] = node
            for nested in node.get("persons", []) + node.get("events", []):
                found[nested["id"]] = nested
    return {k: v for k, v in found.items() if k.startswith(kind_prefix)}


def test_test_records_convert_without_problems(records_dir):
    converted, problems = _convert([records_dir])
    assert problems == []
    graphs = {c.graph for c in converted}
    assert {"graph/case/T001", "graph/sources", "graph/places", "graph/organisations"} <= graphs


def test_events_get_iri_order_and_date_bounds(records_dir):
    converted, _ = _convert([records_dir])
    events = _nodes(converted, "event/")
    arrest = events["event/T001-E1"]
    assert arrest["sequence"] == 1
    assert arrest["type"] == ["Event", "arrest"]
    assert (arrest["date_earliest"], arrest["date_latest"]) == ("2013-04-17", "2013-04-17")
    assert arrest["date_precision"] == "day"
    season = events["event/T001-E2"]
    assert (season["date_earliest"], season["date_latest"]) == ("2013-03-01", "2013-05-31")
    assert season["date_precision"] == "season"
    approximate = events["event/T001-E3"]
    assert approximate["date_precision"] == "approximate"
    assert approximate["date_earliest"] < "2013-01-01" < "2013-12-31" < approximate["date_latest"]


@pytest.mark.parametrize(
    ("value", "precision"),
    [
        ("2013-04-17", "day"),
        ("2013-04", "month"),
        ("2013-21", "season"),
        ("2013", "year"),
        ("2009~", "approximate"),
        ("2009?", "uncertain"),
        ("201X", "decade"),
        ("2011-12/2012-03", "interval"),
    ],
)
def test_date_precision(value, precision):
    assert dates.interpret(value).precision == precision


def test_restricted_fields_go_only_to_the_restricted_part(records_dir):
    converted, _ = _convert([records_dir])
    case = next(c for c in converted if c.graph == "graph/case/T001")
    public_text = repr(case.public)
    restricted_text = repr(case.restricted)
    for canary in ("CANARY-CASE-NOTE", "CANARY-LEGAL-NAME", "CANARY-WITHHELD-NOTE"):
        assert canary not in public_text
        assert canary in restricted_text


def test_withheld_consent_publishes_identifier_and_roles_only(records_dir):
    converted, _ = _convert([records_dir])
    withheld = _nodes(converted, "person/")["person/TP2"]
    assert set(withheld) == {"id", "identifier", "type", "roles", "consent"}
    case = next(c for c in converted if c.graph == "graph/case/T001")
    moved = next(n for n in case.restricted if n["id"] == "person/TP2")
    assert moved["sex"] == "female"
    assert moved["born"] == "1983~"


def _problems_for(tmp_path, records_dir, case_text):
    root = _copy(records_dir, tmp_path)
    _write_case(root, case_text)
    _, problems = _convert([root])
    return problems


MINIMAL = """\
id: T001
title: A case
persons:
  - id: TP1
    roles: [victim]
events:
  - id: E1
    type: arrest
    victims: [TP1]
"""


def test_minimal_case_is_accepted(tmp_path, records_dir):
    assert _problems_for(tmp_path, records_dir, MINIMAL) == []


@pytest.mark.parametrize(
    ("change", "field", "needle"),
    [
        (("title: A case", "title: A case\ntitel: typo"), "titel", "did you mean 'title'"),
        (("    type: arrest", "    type: arest"), "events[0].type", "event types"),
        (("    roles: [victim]", "    roles: [victm]"), "persons[0].roles", "role vocabulary"),
        (
            ("    type: arrest", "    type: arrest\n    date: '2013-02-30'"),
            "events[0].date",
            "EDTF",
        ),
        (
            ("    type: arrest", "    type: arrest\n    place: atlantis"),
            "events[0].place",
            "atlantis",
        ),
        (("    victims: [TP1]", "    victims: [TP9]"), "events[0].victims", "no person 'TP9'"),
        (
            ("    roles: [victim]", "    roles: [victim]\n    legal_name: x"),
            "persons[0].legal_name",
            "restricted:",
        ),
        (("title: A case", "title: A case\nsequence: 3"), "sequence", "computed"),
        (("title: A case", "title: A case\nfamily_notified: maybe"), "family_notified", "true"),
    ],
)
def test_bad_fields_name_record_and_field(tmp_path, records_dir, change, field, needle):
    old, new = change
    problems = _problems_for(tmp_path, records_dir, MINIMAL.replace(old, new, 1))
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.file.endswith("T001.yaml")
    assert problem.record == "T001"
    assert problem.field == field
    assert needle in problem.message
    assert problem.line is not None


def test_malformed_yaml_names_file_and_line(tmp_path, records_dir):
    problems = _problems_for(tmp_path, records_dir, "id: T001\ntitle: [unclosed\nsummary: x\n")
    assert len(problems) == 1
    assert problems[0].file.endswith("T001.yaml")
    assert problems[0].line in (2, 3)
    assert "malformed YAML" in problems[0].message


def test_duplicate_keys_and_aliases_are_refused(tmp_path, records_dir):
    problems = _problems_for(tmp_path, records_dir, "id: T001\ntitle: a\ntitle: b\n")
    assert "appears twice" in problems[0].message and problems[0].line == 3
    problems = _problems_for(tmp_path / "2", records_dir, "id: T001\ntitle: &t a\nsummary: *t\n")
    assert "aliases" in problems[0].message


def test_duplicate_case_and_person_ids(tmp_path, records_dir):
    root = _copy(records_dir, tmp_path)
    _write_case(root, MINIMAL, "copy.yaml")
    _, problems = _convert([root])
    messages = [p.message for p in problems]
    assert any("duplicate case id: T001" in m for m in messages)
    root2 = _copy(records_dir, tmp_path / "second")
    _write_case(root2, MINIMAL.replace("T001", "T002"), "T002.yaml")
    _, problems = _convert([root2])
    assert [p.field for p in problems] == ["persons[TP1].id"]
    assert "duplicate person id: TP1" in problems[0].message


def test_missing_path_is_a_problem(tmp_path):
    _, problems = _convert([tmp_path / "nowhere"])
    assert problems and "no such file" in problems[0].message


@pytest.mark.parametrize(
    "value",
    ["1980", "2013-04", "2013-02", "2012-02", "2000-02", "1900-02", "2013-04-17", "2012-02-29"],
)
def test_fast_date_path_agrees_with_the_edtf_parser(value):
    assert dates.interpret(value) == dates.parse_with_edtf(value)


@pytest.mark.parametrize("value", ["2013-02-30", "2013-13", "2013-00-01", "13-04", "spring 2013"])
def test_impossible_dates_are_refused(value):
    with pytest.raises(dates.DateError):
        dates.interpret(value)


def test_deeply_nested_and_oversized_files_are_refused(tmp_path, records_dir):
    problems = _problems_for(
        tmp_path, records_dir, "id: T001\nsummary: " + "[" * 20000 + "]" * 20000
    )
    assert len(problems) == 1 and "nest" in problems[0].message
    root = _copy(records_dir, tmp_path / "big")
    (root / "cases" / "T001.yaml").write_text("id: T001\nsummary: " + "x" * 6_000_000)
    _, problems = _convert([root])
    assert len(problems) == 1 and "more than the" in problems[0].message


def test_non_utf8_file_is_refused(tmp_path, records_dir):
    root = _copy(records_dir, tmp_path / "enc")
    (root / "cases" / "T001.yaml").write_bytes("id: T001\ntitle: 사건\n".encode("euc-kr"))
    _, problems = _convert([root])
    assert len(problems) == 1 and "not UTF-8" in problems[0].message


def test_winter_runs_into_the_next_year():
    winter = dates.interpret("2009-24")
    assert (winter.earliest, winter.latest, winter.precision) == (
        "2009-12-01",
        "2010-02-28",
        "season",
    )


@pytest.mark.parametrize("value", ["2013-25", "2013-XX-17", "2013 ", " 2013"])
def test_edtf_level_2_and_stray_spaces_are_refused(value):
    with pytest.raises(dates.DateError):
        dates.interpret(value)


def test_direct_reading_agrees_with_the_edtf_parser_on_a_thousand_dates():
    """Every date the fast route reads gets exactly the bounds the edtf package gives."""
    import random

    rng = random.Random(20241031)
    values = set()
    for _ in range(400):
        y, m, d = rng.randint(1900, 2030), rng.randint(1, 12), rng.randint(1, 31)
        base = rng.choice([f"{y}", f"{y}-{m:02d}", f"{y}-{m:02d}-{d:02d}"])
        values.add(base + rng.choice(["", "~", "?", "%"]))
        values.add(f"{y}-{rng.choice(['21', '22', '23', '24'])}")
        values.add(f"{base}/{y + rng.randint(0, 3)}-{rng.randint(1, 12):02d}")
    read_directly = 0
    for value in sorted(values):
        try:
            direct = dates._direct(value)
        except dates.DateError:
            direct = "refused"
        if direct is None:
            continue
        read_directly += 1
        try:
            reference = dates.parse_with_edtf(value)
        except dates.DateError:
            reference = "refused"
        if direct == "refused" and reference != "refused":
            # Stricter than the edtf package, which takes 29 February in any year.
            assert "-02-29" in value, value
            continue
        assert direct == reference, value
    assert read_directly > 0.9 * len(values)


@pytest.mark.parametrize("key", ["'@context'", "'@id'", "'@graph'", "'@type'"])
def test_json_ld_keywords_cannot_be_written_in_a_record(tmp_path, records_dir, key):
    problems = _problems_for(
        tmp_path, records_dir, MINIMAL.replace("title: A case", f"title: A case\n{key}: x")
    )
    assert len(problems) == 1 and "unknown key" in problems[0].message


def test_json_ld_parsing_never_fetches_a_remote_context():
    """Only the project's own context is used: a remote one is refused without a connection."""
    import json
    import socket

    import pyoxigraph as ox

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    document = {"@context": f"http://127.0.0.1:{port}/context.jsonld", "@id": "urn:x", "name": "y"}
    try:
        with pytest.raises(SyntaxError):
            list(ox.parse(json.dumps(document).encode(), format=ox.RdfFormat.JSON_LD))
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()
