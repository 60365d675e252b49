"""Reading YAML record files safely, keeping the line of every key for error messages."""

from __future__ import annotations

from pathlib import Path

import yaml

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
