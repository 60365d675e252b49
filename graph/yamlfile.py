"""Reading YAML record files safely, keeping the line of every key for error messages."""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 5 * 1024 * 1024


class LineDict(dict):
    """A mapping read from YAML that remembers the line of the mapping and of each key."""

    line: int | None = None
    lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key, self.line)


class YamlProblem(Exception):
    """A YAML file that cannot be read; `line` is 1-based where known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


# libyaml's parser when PyYAML was built with it (about ten times faster), the safe constructor
# either way.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Tags built here directly (plain str, sequences, mappings, and the scalar types the safe
# constructor makes with a plain function); any other tag goes through PyYAML's machinery.
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_SCALARS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("null", "bool", "int", "float", "timestamp")
)
# How deep a document may nest. PyYAML's recursive construction used to run out of Python stack
# at about 246 nested mappings or 198 nested lists (4 and 5 stack frames a level, 3 for the
# innermost value; a little less when called deeper): the same budget, now independent of the
# caller, keeps the same documents readable.
_NESTING_BUDGET = 994
_COST = {yaml.MappingNode: 4, yaml.SequenceNode: 5, yaml.ScalarNode: 3}
_RESOLVED: dict[tuple, str] = {}


class _Loader(_Base):
    """Safe loader that refuses aliases and duplicate keys and records line numbers.

    Documents are built by `_build`, a direct walk of the nodes libyaml composed (PyYAML's own
    construction, with its generators and bookkeeping, took most of the reading time); the result
    is what the safe constructor gives, with mappings as LineDicts.
    """

    def resolve(self, kind, value, implicit):  # type: ignore[override]
        # The tag of a plain scalar depends only on its text and how it was written (there are
        # no path resolvers): remembered, as the same keys and codes come back in every file.
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            if len(_RESOLVED) > 100_000:
                _RESOLVED.clear()
            tag = _RESOLVED[key] = super().resolve(kind, value, implicit)
        return tag

    def construct_document(self, node):  # type: ignore[override]
        self._nesting = 0
        try:
            return self._build(node)
        finally:
            self.constructed_objects = {}
            self.recursive_objects = {}
            self.state_generators = []
            self.deep_construct = False

    def _build(self, node):
        if node in self.constructed_objects or node in self.recursive_objects:
            raise YamlProblem(
                "YAML aliases (*name) are not allowed in records", node.start_mark.line + 1
            )
        tag = node.tag
        kind = type(node)
        cost = _COST.get(kind, 0)
        if self._nesting + cost > _NESTING_BUDGET:
            raise YamlProblem("YAML nested too deeply to be a record")
        if kind is yaml.ScalarNode and tag == _STR:
            value = node.value
        elif kind is yaml.ScalarNode and tag in _SCALARS:
            value = self.yaml_constructors[tag](self, node)
        elif kind is yaml.MappingNode and tag == _MAP:
            self.recursive_objects[node] = None
            self._nesting += cost
            value = self.construct_mapping(node)
            self._nesting -= cost
            del self.recursive_objects[node]
        elif kind is yaml.SequenceNode and tag == _SEQ:
            self.recursive_objects[node] = None
            self._nesting += cost
            value = [self._build(child) for child in node.value]
            self._nesting -= cost
            del self.recursive_objects[node]
        else:
            return super().construct_object(node, deep=True)
        self.constructed_objects[node] = value
        return value

    def construct_object(self, node, deep=False):  # type: ignore[override]
        # A node met a second time is an alias (*name): refused, so that a small file cannot
        # expand into a huge one and every value is written where it is read.
        if node in self.constructed_objects or node in self.recursive_objects:
            raise YamlProblem(
                "YAML aliases (*name) are not allowed in records", node.start_mark.line + 1
            )
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        mapping.lines = {}
        for key_node, value_node in node.value:
            key = self._build(key_node)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise YamlProblem(f"key {key!r} is not text", line)
            if key in mapping:
                raise YamlProblem(f"key {key!r} appears twice in one mapping", line)
            mapping[key] = self._build(value_node)
            mapping.lines[key] = line
        return mapping


def _construct_mapping_deep(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    return loader.construct_mapping(node, deep=True)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_deep)


def load(path: Path):
    """Parse one YAML file; raise YamlProblem with a line number when it cannot be read."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise YamlProblem(f"file is {size} bytes, more than the {MAX_FILE_BYTES} allowed")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlProblem(f"file is not UTF-8 text (byte {exc.start})") from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        raise YamlProblem(f"malformed YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"malformed YAML: {exc}") from None
    except RecursionError:
        raise YamlProblem("YAML nested too deeply to be a record") from None


# Files from which `load_all` has a second process read part of them (starting one costs about
# 0.3 s), and the part of their bytes it reads: a little less than half, as it must also pickle
# what it read (10,000 cases: reading 5.1 s alone, 3.2-3.6 s shared).
HELPER_MIN_FILES = 1000
HELPER_SHARE = 0.45
READER = "from edkg.yamlfile import _serve; _serve()"
"""What the reading process runs (`python -c`)."""


def load_all(paths: list[Path]) -> Iterator[tuple[Path, object]]:
    """Each path, in order, with what `load` gives for it or the YamlProblem or OSError it raised.

    With many files on a machine with two cores or more, a second process reads the later files
    (about HELPER_SHARE of the bytes) while this one reads the first, and hands back what it read
    pickled; reading is most of the time a build takes before anything else can start. Should
    the helper fail, this process reads its files itself.
    """
    paths = list(paths)
    split = len(paths)
    helper = None
    if len(paths) >= HELPER_MIN_FILES and (os.cpu_count() or 1) > 1 and sys.executable:
        split = _split(paths)
        helper = _Reader(paths[split:])
    try:
        for path in paths[:split]:
            yield path, _outcome(path)
        if helper is not None:
            yield from zip(paths[split:], helper.outcomes(), strict=True)
    finally:
        if helper is not None:
            helper.close()


def _split(paths: list[Path]) -> int:
    """Where the helper's part of `paths` starts: it gets HELPER_SHARE of their bytes."""
    sizes = []
    for path in paths:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)
    left = sum(sizes) * HELPER_SHARE
    split = len(paths)
    while split > 1 and left > 0:
        split -= 1
        left -= sizes[split]
    return split


def _outcome(path: Path) -> object:
    try:
        return load(path)
    except (YamlProblem, OSError) as exc:
        return exc


class _Reader:
    """A process that reads YAML files for `load_all` (a plain `python -c` of this interpreter)."""

    def __init__(self, paths: list[Path]):
        self.paths = paths
        self._process = subprocess.Popen(
            [sys.executable, "-c", READER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self._process.stdin is not None
        with contextlib.suppress(OSError):
            self._process.stdin.write(json.dumps([str(p) for p in paths]).encode("utf-8"))
        with contextlib.suppress(OSError):
            self._process.stdin.close()

    def outcomes(self) -> list[object]:
        assert self._process.stdout is not None
        answer = self._process.stdout.read()
        status = self._process.wait()
        try:
            # Our own child's answer, made by `_serve` from the files this process named.
            found = [_decoded(item) for item in pickle.loads(answer)]
            if status == 0 and len(found) == len(self.paths):
                return found
        except Exception:  # any damage to the answer: read the files here instead
            pass
        log.warning("the YAML reading process failed (exit status %s); reading here", status)
        return [_outcome(path) for path in self.paths]

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()


def _encoded(outcome: object) -> tuple:
    if isinstance(outcome, YamlProblem):
        return ("yaml", outcome.message, outcome.line)
    if isinstance(outcome, OSError):
        return ("os", outcome.errno, outcome.strerror)
    return ("ok", outcome)


def _decoded(item: tuple) -> object:
    if item[0] == "yaml":
        return YamlProblem(item[1], item[2])
    if item[0] == "os":
        return OSError(item[1], item[2])
    if item[0] == "ok":
        return item[1]
    raise ValueError(f"unknown outcome {item[0]!r}")


def _serve() -> None:
    """The reading process: file names (JSON) on standard input, what `load` gave, pickled, out.

    It makes only what it keeps until it ends, so the cyclic garbage collector, which would
    scan all of it again and again (4.1 s instead of 2.5 s for 5,000 files), is off.
    """
    gc.disable()
    paths = json.loads(sys.stdin.buffer.read())
    outcomes = [_encoded(_outcome(Path(path))) for path in paths]
    sys.stdout.buffer.write(pickle.dumps(outcomes, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
