"""The embedded synthetic sample; ``generate`` makes it (and larger ones for benchmarks)."""

from importlib import resources
from pathlib import Path


def embedded_sample_dir() -> Path:
    """The folder of the shipped sample (Parquet), which ``build`` uses by default."""
    return Path(str(resources.files("htprofiles.contract.sample").joinpath("data")))
