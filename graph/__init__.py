"""edkg: the Enforced Disappearance Knowledge Graph."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("edkg")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
