"""Reading YAML records: what the safe loader gives, with lines, and what it refuses."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from edkg.yamlfile import LineDict, YamlProblem, load


def _load(tmp_path, text: str):
    path = tmp_path / "record.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path)


def _plain(value):
    """The value without the lines, for comparison with PyYAML's safe_load."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


SAME_AS_SAFE_LOAD = [
    "id: a\ntitle: 'x'\nitems: [1, 2.5, true, ~, 0x1F, 0o17, .inf, '12', yes]\n",
    "d: 2013-04-17\nt: 2001-12-14t21:59:43.10-05:00\nb: !!binary aGVsbG8=\n",
    "s: !!set {a, b}\no: !!omap [a: 1, b: 2]\np: !!pairs [a: 1, a: 2]\n",
    "a: !!str 12\nb: !!int '3'\nnested: {x: [{y: [z]}]}\n",
    "- id: a\n  x: [1, {y: 2}]\n- id: b\n",
    "",
    "text: |\n  two\n  lines\nfolded: >\n  one\n  line\n",
]


@pytest.mark.parametrize("text", SAME_AS_SAFE_LOAD)
def test_values_are_those_of_the_safe_loader(tmp_path, text):
    assert _plain(_load(tmp_path, text)) == yaml.safe_load(text)


def test_mappings_remember_their_lines(tmp_path):
    data = _load(tmp_path, "id: C1\npersons:\n  - id: P1\n\n    name: X\nevents: []\n")
    assert isinstance(data, LineDict) and data.line == 1
    assert data.lines == {"id": 1, "persons": 2, "events": 6}
    person = data["persons"][0]
    assert person.line == 3 and person.lines == {"id": 3, "name": 5}
    assert person.line_of("missing") == 3
    assert isinstance(_load(tmp_path, "d: 2013-04-17\n")["d"], dt.date)


# An alias is the node it names: the line given is the anchor's.
REFUSED = {
    "a: &x 1\nb: *x\n": ("aliases", 1),
    "a: &x {k: v}\nb: *x\n": ("aliases", 1),
    "a: &x [1, *x]\n": ("aliases", 1),
    "&x {a: *x}\n": ("aliases", 1),
    "a: &x k\n*x : v\n": ("aliases", 1),
    "a: &x k\ns: !!set {*x}\n": ("aliases", 1),
    "id: a\nname: x\nname: y\n": ("appears twice", 3),
    "id: a\n1: x\n": ("is not text", 2),
    "? [a, b]\n: c\n": ("is not text", 1),
    "base: &b {x: 1}\nc:\n  <<: {x: 2}\n": ("malformed YAML", 3),
    "x: !foo bar\n": ("malformed YAML", 1),
    "x: !!python/object:os.system echo\n": ("malformed YAML", 1),
    "a: 1\n---\nb: 2\n": ("malformed YAML", 2),
    "a: [\n": ("malformed YAML", 2),
}


@pytest.mark.parametrize("text", sorted(REFUSED))
def test_refused_with_a_message_and_line(tmp_path, text):
    words, line = REFUSED[text]
    with pytest.raises(YamlProblem) as caught:
        _load(tmp_path, text)
    assert words in caught.value.message
    if line is not None:
        assert caught.value.line == line


@pytest.mark.parametrize(
    ("make", "deepest"),
    [
        (lambda n: "a: " + "{a: " * n + "1" + "}" * n, 246),
        (lambda n: "a: " + "[" * n + "]" * n, 198),
        (lambda n: "a: " + "[{a: " * n + "1" + "}]" * n, 109),
    ],
)
def test_nesting_limit_is_where_pyyaml_construction_ran_out_of_stack(tmp_path, make, deepest):
    assert _load(tmp_path, make(deepest))
    with pytest.raises(YamlProblem, match="nested too deeply"):
        _load(tmp_path, make(deepest + 1))
    with pytest.raises(YamlProblem, match="nest"):  # libyaml's own limit
        _load(tmp_path, make(20_000))


def _files(tmp_path):
    """Good files, a malformed one, a missing one (a dangling link) and a list file."""
    paths = []
    for index in range(30):
        path = tmp_path / f"c{index:03d}.yaml"
        path.write_text(f"id: C{index}\npersons:\n  - id: P{index}\n    age: {index}\n")
        paths.append(path)
    (tmp_path / "c010.yaml").write_text("id: C10\npersons: [\n")
    (tmp_path / "c020.yaml").unlink()
    (tmp_path / "c020.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "c029.yaml").write_text("- id: a\n  x: 2013-04-17\n- id: b\n")
    return paths


def _with_lines(value):
    """The value with the line of every mapping and key, to compare what two readers made."""
    if isinstance(value, LineDict):
        items = {k: _with_lines(v) for k, v in value.items()}
        return ("LineDict", value.line, dict(value.lines), items)
    if isinstance(value, list):
        return [_with_lines(v) for v in value]
    return value


def _outcomes(pairs):
    shown = []
    for path, outcome in pairs:
        if isinstance(outcome, YamlProblem):
            shown.append((path.name, "yaml", outcome.message, outcome.line))
        elif isinstance(outcome, OSError):
            shown.append((path.name, "os", outcome.errno, outcome.strerror))
        else:
            shown.append((path.name, "ok", _with_lines(outcome)))
    return shown


@pytest.mark.parametrize("share", [0.1, 0.45, 0.9])
def test_a_second_process_reads_the_same_as_this_one(tmp_path, monkeypatch, share):
    from edkg import yamlfile

    paths = _files(tmp_path)
    monkeypatch.setattr(yamlfile, "HELPER_MIN_FILES", 10**9)
    alone = _outcomes(yamlfile.load_all(paths))
    monkeypatch.setattr(yamlfile, "HELPER_MIN_FILES", 2)
    monkeypatch.setattr(yamlfile, "HELPER_SHARE", share)
    monkeypatch.setattr(yamlfile.os, "cpu_count", lambda: 2)
    split = yamlfile._split(paths)
    assert 0 < split < len(paths)
    started = []
    real = yamlfile._Reader

    def counted(part):
        started.append(len(part))
        return real(part)

    monkeypatch.setattr(yamlfile, "_Reader", counted)
    shared = _outcomes(yamlfile.load_all(paths))
    assert started == [len(paths) - split]
    assert shared == alone
    assert [kind for _, kind, *_ in shared].count("ok") == 28
    assert isinstance(dict(yamlfile.load_all(paths))[paths[0]], LineDict)


def test_when_the_reading_process_fails_this_one_reads(tmp_path, monkeypatch, caplog):
    from edkg import yamlfile

    paths = _files(tmp_path)
    alone = _outcomes((path, yamlfile._outcome(path)) for path in paths)
    monkeypatch.setattr(yamlfile, "HELPER_MIN_FILES", 2)
    monkeypatch.setattr(yamlfile.os, "cpu_count", lambda: 2)
    for broken in ("import sys; sys.exit(3)", "import sys; sys.stdout.write('garbage')"):
        monkeypatch.setattr(yamlfile, "READER", broken)
        assert _outcomes(yamlfile.load_all(paths)) == alone
        assert "reading process failed" in caplog.text
        caplog.clear()
