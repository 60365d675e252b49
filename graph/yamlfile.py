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


class _Loader(_Base):
    """Safe loader that refuses aliases and duplicate keys and records line numbers."""

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
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise YamlProblem(f"key {key!r} is not text", line)
            if key in mapping:
                raise YamlProblem(f"key {key!r} appears twice in one mapping", line)
            mapping[key] = self.construct_object(value_node, deep=deep)
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
