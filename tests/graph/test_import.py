"""`edkg import`: an Uwazi CSV export through a mapping into records, and every kind of bad input.

The fixture (tests/data/uwazi/footprints-export.csv) is shaped as Uwazi exports a collection:
Title, Date added and Template first, property labels, `Group::Value` thesaurus values, `|`
between values, relationships by title, `lat|lon` geolocation, Documents, Attachments, Published.
Its people are invented; its places are real. The CP949 and EUC-KR copies are made here.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
from pathlib import Path

import pytest
import yaml
from edkg import importer
from edkg.build import build
from edkg.cli import main
from edkg.mapping import MappingError
from edkg.mapping import load as load_mapping
from edkg.store import StoreDir

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "uwazi" / "footprints-export.csv"
MAPPING = ROOT / "docs" / "mappings" / "footprints-example.yaml"
BASE = "https://w3id.org/edkg/"


def _rows() -> tuple[list[str], list[dict[str, str]]]:
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]], encoding="utf-8") -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, header, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _variant(tmp_path: Path, change, name: str = "export.csv") -> Path:
    """A copy of the fixture with `change(header, rows)` applied (it edits them in place)."""
    header, rows = _rows()
    change(header, rows)
    return _write(tmp_path / name, header, rows)


def _import(csv_path: Path, output: Path, **options) -> importer.ImportResult:
    return importer.import_csv(csv_path, load_mapping(MAPPING), output, BASE, **options)


def _failure(csv_path: Path, output: Path, **options) -> list[importer.ImportProblem]:
    with pytest.raises(importer.ImportFailed) as caught:
        _import(csv_path, output, **options)
    return caught.value.problems


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if ".import-" in p.name or ".replaced-" in p.name]


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("import") / "records"
    _import(FIXTURE, output)
    return output


# ----------------------------------------------------------------------------------------------
# The fixture imports, validates and builds


def test_the_fixture_becomes_case_files_and_places(imported):
    assert sorted(p.name for p in (imported / "cases").iterdir()) == [
        "FP-0101.yaml",
        "FP-0102.yaml",
        "FP-0103.yaml",
    ]
    case = yaml.safe_load((imported / "cases" / "FP-0101.yaml").read_text(encoding="utf-8"))
    assert case["title"] == "Siblings caught in Hunchun"
    assert case["reported"] == "2022-05-10" and case["family_notified"] is False
    assert case["submitted_by"] == "tjwg" and case["official_response"] == "none"
    assert case["restricted"]["confidential_note"].startswith("CANARY-IMPORT-NOTE-7f3a")
    assert "\n" in case["summary"]  # a cell of two lines stays one value
    persons = {p["id"]: p for p in case["persons"]}
    assert persons["FP-V-0201"]["name_ko"] == "김옥화"
    assert persons["FP-V-0201"]["reason"] == "escape-repatriated"
    arrest = case["events"][0]
    assert arrest == {
        "id": "FP-V-0201-arrest",
        "type": "arrest",
        "date": "2016-08-12",
        "place": "hunchun",
        "perpetrator": "cn_mps",
        "victims": ["FP-V-0201"],
    }
    couple = yaml.safe_load((imported / "cases" / "FP-0103.yaml").read_text(encoding="utf-8"))
    by_id = {p["id"]: p for p in couple["persons"]}
    assert by_id["FP-V-0204"]["spouses"] == ["FP-V-0205"]
    assert by_id["FP-V-0205"]["roles"] == ["victim", "witness"]
    assert couple["events"][0]["place"] == "PL-RASON"
    assert "family_notified" not in couple  # "Unknown" maps to no value
    mother = yaml.safe_load((imported / "cases" / "FP-0102.yaml").read_text(encoding="utf-8"))
    assert mother["persons"][0]["consent"] == "withheld"  # Unpublished in Uwazi
    assert "perpetrator" not in mother["events"][0]  # agency "Unknown"


def test_imported_places_follow_the_bundled_ones(imported):
    places = yaml.safe_load((imported / "places.yaml").read_text(encoding="utf-8"))
    ids = [p["id"] for p in places]
    assert ids[-2:] == ["PL-KANGGYE", "PL-RASON"] and "kp" in ids
    rason = places[-1]
    assert rason == {
        "id": "PL-RASON",
        "type": "municipality",
        "name": "Rason",
        "name_ko": "라선",
        "located_in": "kp",
        "lat": 42.25,
        "long": 130.3,
    }


def test_imported_records_pass_edkg_validate_and_build(imported, runner, tmp_path):
    result = runner.invoke(main, ["validate", str(imported)])
    assert result.exit_code == 0, result.output
    store = tmp_path / "store"
    built = build([imported], store, BASE)
    assert built.records["case"] == 3
    totals = runner.invoke(main, ["query", "totals", "--format", "csv", "--store", str(store)])
    rows = list(csv.DictReader(io.StringIO(totals.output)))
    assert rows[0]["cases"] == "3" and rows[0]["victims"] == "5"


def test_the_command_line(runner, tmp_path):
    output = tmp_path / "out"
    result = runner.invoke(
        main, ["import", str(FIXTURE), "--mapping", str(MAPPING), "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert "3 cases, 5 persons, 7 events, 2 places" in result.output
    assert "(utf-8)" in result.output
    assert runner.invoke(main, ["import", "--help"]).exit_code == 0


def test_ids_come_from_a_column_so_row_order_changes_nothing(imported, tmp_path):
    def shuffle(header, rows):
        random.Random(7).shuffle(rows)

    shuffled = _variant(tmp_path, shuffle, name=FIXTURE.name)
    output = tmp_path / "shuffled"
    _import(shuffled, output)
    assert _tree(output) == _tree(imported)


@pytest.mark.parametrize(
    ("codec", "option", "reported"),
    [
        ("cp949", "auto", "cp949"),
        ("euc-kr", "auto", "cp949"),
        ("cp949", "cp949", "cp949"),
        ("euc-kr", "euc-kr", "euc-kr"),
        ("utf-8-sig", "auto", "utf-8"),
        ("utf-8-sig", "utf-8", "utf-8"),
    ],
)
def test_korean_encodings_import_the_same_records(imported, tmp_path, codec, option, reported):
    source = tmp_path / "in" / FIXTURE.name
    source.parent.mkdir()
    source.write_bytes(FIXTURE.read_text(encoding="utf-8").encode(codec))
    output = tmp_path / "out"
    result = _import(source, output, encoding=option)
    assert result.encoding == reported
    assert _tree(output) == _tree(imported)


# ----------------------------------------------------------------------------------------------
# Bad input: a clear report, nothing written


def _assert_nothing_written(tmp_path: Path, output: Path) -> None:
    assert not output.exists()
    assert not _leftovers(tmp_path)


def test_damaged_utf8_names_its_row(tmp_path):
    data = bytearray(FIXTURE.read_bytes())
    at = data.index("한순애".encode())
    data[at + 1] = 0xFF
    source = tmp_path / "damaged.csv"
    source.write_bytes(bytes(data))
    (problem,) = _failure(source, tmp_path / "out")
    assert problem.row == 6  # the header is row 1; the first case's summary spans two lines
    assert "0xED at byte" in problem.message and "line 7" in problem.message
    assert "damaged UTF-8" in problem.message
    _assert_nothing_written(tmp_path, tmp_path / "out")


def test_neither_utf8_nor_cp949(tmp_path):
    data = bytearray(FIXTURE.read_text(encoding="utf-8").encode("cp949"))
    at = data.index("조용수".encode("cp949"))
    data[at : at + 2] = b"\xff\xff"
    source = tmp_path / "bad.csv"
    source.write_bytes(bytes(data))
    (problem,) = _failure(source, tmp_path / "out")
    assert "neither UTF-8" in problem.message and "nor CP949/EUC-KR (row 8:" in problem.message
    _assert_nothing_written(tmp_path, tmp_path / "out")


def test_a_forced_encoding_that_does_not_fit_names_the_row(tmp_path):
    source = tmp_path / "korean.csv"
    source.write_bytes(FIXTURE.read_text(encoding="utf-8").encode("cp949"))
    (problem,) = _failure(source, tmp_path / "out", encoding="utf-8")
    assert problem.row == 3 and "is not UTF-8" in problem.message


def test_utf16_is_refused(tmp_path):
    source = tmp_path / "unicode.csv"
    source.write_bytes(FIXTURE.read_text(encoding="utf-8").encode("utf-16"))
    (problem,) = _failure(source, tmp_path / "out")
    assert "UTF-16" in problem.message


def test_missing_columns_are_listed_together(tmp_path):
    def drop(header, rows):
        for column in ("Sex", "Arresting agency"):
            header.remove(column)
            for row in rows:
                del row[column]

    (problem,) = _failure(_variant(tmp_path, drop), tmp_path / "out")
    assert "missing columns" in problem.message
    assert "'Sex' (read by template 'Victim')" in problem.message
    assert "'Arresting agency' (read by template 'Victim')" in problem.message
    assert "The header has: 'Title'" in problem.message
    _assert_nothing_written(tmp_path, tmp_path / "out")


def test_headers_match_without_regard_to_case_and_spaces(imported, tmp_path):
    def rename(header, rows):
        header[header.index("Place of arrest")] = " place OF arrest "
        for row in rows:
            row[" place OF arrest "] = row.pop("Place of arrest")

    output = tmp_path / "out"
    _import(_variant(tmp_path, rename, name=FIXTURE.name), output)
    assert _tree(output) == _tree(imported)


def test_unknown_thesaurus_values_name_row_column_value_and_the_labels(tmp_path):
    def misspell(header, rows):
        rows[1]["Sex"] = "Femal"
        rows[6]["Reason for arrest"] = "Escape::Repatriatd"
        rows[4]["Place of arrest"] = "China::Tumen|China::Yanji"

    problems = _failure(_variant(tmp_path, misspell), tmp_path / "out")
    shown = [str(p) for p in problems]
    assert len(problems) == 3, shown
    sex = next(p for p in problems if p.column == "Sex")
    assert (sex.row, sex.value, sex.record) == (3, "Femal", "person FP-V-0201")
    assert "did you mean 'Female'" in sex.message
    assert "allowed: 'Female', 'Male', 'Unknown'" in sex.message
    reason = next(p for p in problems if p.column == "Reason for arrest")
    assert reason.row == 8 and "'Escape::Repatriated'" in reason.message
    several = next(p for p in problems if p.column == "Place of arrest")
    assert "takes one" in several.message
    assert str(sex).startswith("export.csv: row 3, person FP-V-0201, column 'Sex', value 'Femal'")
    _assert_nothing_written(tmp_path, tmp_path / "out")


def test_duplicate_ids_and_duplicate_entities(tmp_path):
    def duplicate(header, rows):
        rows[2]["Victim ID"] = "FP-V-0201"  # Kim Chol-jun takes his sister's id
        again = dict(rows[4], **{"Victim ID": "FP-V-0299"})  # Han Sun-ae entered twice
        rows.append(again)

    problems = _failure(_variant(tmp_path, duplicate), tmp_path / "out")
    by_row = {p.row: p for p in problems}
    assert "duplicate person id: row 3 has the same id" in by_row[4].message
    assert by_row[4].column == "Victim ID" and by_row[4].value == "FP-V-0201"
    assert "the same person twice? Row 6 (FP-V-0203)" in by_row[13].message
    assert "Title 'Han Sun-ae', Date of birth '1968-02-27'" in by_row[13].message
    _assert_nothing_written(tmp_path, tmp_path / "out")


def test_relationships_that_name_no_row_or_several(tmp_path):
    def confuse(header, rows):
        rows[1]["Case"] = "Siblings caught in Hunchung"
        rows[7]["Spouse"] = "Nobody"
        rows.append(dict(rows[3], **{"Case ID": "FP-0199", "Date reported": "2023-01-16"}))

    problems = _failure(_variant(tmp_path, confuse), tmp_path / "out")
    messages = {(p.row, p.column): p.message for p in problems}
    assert "no Case row has the title 'Siblings caught in Hunchung'" in messages[(3, "Case")]
    assert "no Victim row has the title 'Nobody'" in messages[(9, "Spouse")]
    assert "2 Case rows (rows 5, 13) have the title" in messages[(6, "Case")]


def test_unmapped_templates_and_empty_ids(tmp_path):
    def spoil(header, rows):
        rows[0]["Case ID"] = ""
        rows[9]["Template"] = "Perpetrator"
        rows[8]["Place ID"] = "PL RASON"

    problems = _failure(_variant(tmp_path, spoil), tmp_path / "out")
    messages = {p.row: p.message for p in problems}
    assert messages[2] == "the id is empty"
    assert "template 'Perpetrator' is not in the mapping" in messages[11]
    assert "ignored: 'Report'" in messages[11]
    assert "is not a usable id" in messages[10]


def test_dates_that_fit_no_format(tmp_path):
    def spoil(header, rows):
        rows[1]["Date of arrest"] = "12/08/2016"
        rows[2]["Date of birth"] = "1993-02-30"

    problems = _failure(_variant(tmp_path, spoil), tmp_path / "out")
    assert {(p.row, p.column) for p in problems} == {(3, "Date of arrest"), (4, "Date of birth")}
    assert "not a date in the mapping's date formats (YYYY-MM-DD, unix)" in problems[0].message


def test_validation_problems_are_reported_with_their_row_and_column(tmp_path):
    mapping = tmp_path / "mapping.yaml"
    text = MAPPING.read_text(encoding="utf-8").replace(
        '"China::Hunchun": hunchun', '"China::Hunchun": hunchunn'
    )
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(importer.ImportFailed) as caught:
        importer.import_csv(FIXTURE, load_mapping(mapping), tmp_path / "out", BASE)
    problems = caught.value.problems
    assert {(p.row, p.column, p.record) for p in problems} == {
        (3, "Place of arrest", "person FP-V-0201"),
        (4, "Place of arrest", "person FP-V-0202"),
    }
    assert "no place with id 'hunchunn'" in problems[0].message
    _assert_nothing_written(tmp_path, tmp_path / "out")


def test_a_case_without_victims_fails_shacl_and_nothing_is_written(tmp_path):
    def orphan_case(header, rows):
        rows.append({"Title": "Empty case", "Template": "Case", "Case ID": "FP-0104"})

    problems = _failure(_variant(tmp_path, orphan_case), tmp_path / "out")
    assert [(p.row, p.record) for p in problems] == [(13, "case FP-0104")]
    _assert_nothing_written(tmp_path, tmp_path / "out")


def test_malformed_csv(tmp_path):
    source = tmp_path / "broken.csv"
    text = FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    text[3] = text[3].replace(",Female,", ",Female,extra,", 1)
    source.write_text("".join(text), encoding="utf-8")
    (problem,) = _failure(source, tmp_path / "out")
    assert problem.row == 3 and "33 cells, the header 32" in problem.message
    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_text("Title;Template\nA;Case\n", encoding="utf-8")
    problems = _failure(semicolons, tmp_path / "out")
    assert any("comma-separated" in p.message for p in problems)


# ----------------------------------------------------------------------------------------------
# The output directory


def test_a_non_empty_directory_is_refused_and_left_alone(tmp_path):
    output = tmp_path / "records"
    output.mkdir()
    (output / "notes.txt").write_text("mine", encoding="utf-8")
    (problem,) = _failure(FIXTURE, output)
    assert "--replace" in problem.message
    assert _tree(output) == {"notes.txt": b"mine"}


def test_replace_swaps_the_directory_only_when_the_import_is_valid(imported, tmp_path):
    output = tmp_path / "records"
    output.mkdir()
    (output / "old.yaml").write_text("old", encoding="utf-8")
    before = _tree(output)

    def spoil(header, rows):
        rows[1]["Sex"] = "?"

    _failure(_variant(tmp_path, spoil), output, replace=True)
    assert _tree(output) == before and not _leftovers(tmp_path)
    source = tmp_path / "in" / FIXTURE.name
    source.parent.mkdir()
    shutil.copy(FIXTURE, source)
    _import(source, output, replace=True)
    assert _tree(output) == _tree(imported) and not _leftovers(tmp_path)


def test_an_empty_directory_is_filled(tmp_path):
    output = tmp_path / "records"
    output.mkdir()
    _import(FIXTURE, output)
    assert (output / "cases" / "FP-0101.yaml").is_file()


def test_cli_failure_lists_every_problem_and_exits_1(runner, tmp_path):
    def spoil(header, rows):
        rows[1]["Sex"] = "Femal"
        rows[2]["Date of birth"] = "yesterday"

    output = tmp_path / "out"
    result = runner.invoke(
        main,
        ["import", str(_variant(tmp_path, spoil)), "--mapping", str(MAPPING), "-o", str(output)],
    )
    assert result.exit_code == 1
    assert "row 3, person FP-V-0201, column 'Sex', value 'Femal'" in result.stderr
    assert "row 4, person FP-V-0202, column 'Date of birth', value 'yesterday'" in result.stderr
    assert f"2 problems in the import; nothing was written to {output}" in result.stderr
    assert not output.exists()


# ----------------------------------------------------------------------------------------------
# The mapping file


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("kind: person", "kind: victim"), "kind must be one of case, person, place"),
        (("sex: {column: Sex, thesaurus: sex}", "gender: Sex"), "'gender' is not a record key"),
        (("Male: male,", "Male: man,"), "gives 'man', not codes of the sex vocabulary"),
        (("thesaurus: agencies}", "thesaurus: agency}"), "no thesaurus 'agency'"),
        (("type: arrest", "type: capture"), "event type 'capture' is not one of"),
        (("      confidential_note: Interview notes", "      note: Interview notes"), None),
        (
            ("    restricted:\n      confidential_note", "    fields2:\n      confidential_note"),
            "unknown key 'fields2'",
        ),
        (("date_formats: [YYYY-MM-DD, unix]", "date_formats: [yyyy/mm/dd]"), "date format"),
    ],
)
def test_mapping_mistakes_are_reported_with_their_line(tmp_path, edit, message):
    old, new = edit
    text = MAPPING.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "mapping.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if message is None:
        load_mapping(path)  # a restricted block may hold any record key
        return
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    assert any(message in p and p.startswith("mapping.yaml:") for p in caught.value.problems), (
        caught.value.problems
    )


def test_restricted_only_keys_must_be_mapped_under_restricted(tmp_path):
    text = MAPPING.read_text(encoding="utf-8").replace(
        "      name_ko: Korean name\n      sex:", "      legal_name: Korean name\n      sex:", 1
    )
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match="1 problem"):
        load_mapping(path)


def test_cli_exits_2_on_an_unusable_mapping(runner, tmp_path):
    path = tmp_path / "mapping.yaml"
    path.write_text("templates: [1, 2]\n", encoding="utf-8")
    result = runner.invoke(
        main, ["import", str(FIXTURE), "--mapping", str(path), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "templates must map Uwazi template names" in result.stderr


# ----------------------------------------------------------------------------------------------
# Values


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("date", "2016-08-12", "2016-08-12"),
        ("date", "1471000000", "2016-08-12"),  # a Unix timestamp, as older Uwazi exported
        ("daterange", "2016-08-01~2016-08-31", "2016-08-01/2016-08-31"),
        ("daterange", "2016-08-01:", "2016-08-01/.."),
        ("edtf", "2013-21", "2013-21"),
        ("latitude", "42.25|130.3", 42.25),
        ("longitude", "42.25|130.3", 130.3),
        (
            "link",
            "Wikidata|http://www.wikidata.org/entity/Q48888",
            "http://www.wikidata.org/entity/Q48888",
        ),
        ("number", "12", 12),
    ],
)
def test_value_types(kind, text, value):
    table = importer.Table("x.csv", ["Title"], [])
    converter = importer._Converter(load_mapping(MAPPING), table)
    assert converter.convert(kind, text) == value


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("latitude", "95|130"),
        ("latitude", "42.25"),
        ("link", "javascript:alert(1)"),
        ("edtf", "2013-99"),
    ],
)
def test_bad_values(kind, text):
    table = importer.Table("x.csv", ["Title"], [])
    converter = importer._Converter(load_mapping(MAPPING), table)
    with pytest.raises(ValueError):
        converter.convert(kind, text)


def test_imported_restricted_data_stays_out_of_the_public_dataset(imported, tmp_path):
    store = tmp_path / "store"
    build([imported], store, BASE)
    release = StoreDir(store).current()
    public = "\n".join(str(q) for q in release.open("public"))
    restricted = "\n".join(str(q) for q in release.open("restricted"))
    assert "CANARY-IMPORT-NOTE-7f3a" in restricted and "CANARY" not in public
    assert "Han Sun-ae" in restricted and "Han Sun-ae" not in public
