"""Where the bundled ontology, queries and sample records live."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the directory of bundled data `name` (ontology, queries or data).

    An installed wheel carries them inside the package (``edkg/ontology``); an editable install
    runs from the source tree, where they sit at the top level beside ``graph/``.
    """
    for base in (_PACKAGE, _PACKAGE.parent):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled directory {name!r} is missing from the edkg installation")


def ontology_dir() -> Path:
    return resource_dir("ontology")


def queries_dir() -> Path:
    return resource_dir("queries")


def sample_data_dir() -> Path:
    return resource_dir("data")
