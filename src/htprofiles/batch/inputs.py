"""The batch's data and code facts, recomputed only when their files changed.

What one report depends on is hashed here (its data slice, territory file, parameters, the
template, the package and dependency versions): the build's private state records it, and
``verify`` compares it with the files as they are now.
"""

from __future__ import annotations

from functools import cache, cached_property
from pathlib import Path

from ..contract.suppression import SuppressionRule
from ..contract.territories import AREAS, PROFILED, TERRITORIES, covering, leaves
from ..install import package_fingerprint, package_versions, sha256
from . import state


class BatchInputs:
    """The batch's data and template facts, recomputed only when their files changed.

    The data are read only when asked for, so that a batch can start its workers first.
    """

    def __init__(self, data_dir: Path, template: str, previous: state.FolderState):
        self.data_dir = data_dir
        self.template = template
        self.file_hashes = state.data_file_hashes(data_dir)
        self.package, self.versions = package_fingerprint(), package_versions()
        recorded = previous.data
        self.changed = not self.file_hashes or recorded.get("files") != self.file_hashes
        """The data files differ from those of the last run: they must be read again."""
        self._recorded = None if self.changed else {
            fact: recorded[fact] for fact in ("slices", "synthetic")}

    @cached_property
    def _dataset(self):
        from ..contract.data import load_dataset

        return load_dataset(self.data_dir)

    @cached_property
    def _facts(self) -> dict:
        if self._recorded:
            return self._recorded
        from ..contract.data import slice_fingerprints

        return {"slices": slice_fingerprints(self._dataset, TERRITORIES),
                "synthetic": self._dataset.synthetic}

    @cached_property
    def slices(self) -> dict[str, str]:
        """Each report's data key: the slices of the territories under the place that covers
        it together (a territory's region: any change among them rebuilds it)."""
        territories = self._facts["slices"]
        areas = {code: sha256(" ".join(territories[leaf] for leaf in leaves(code)).encode())
                 for code in AREAS}
        return areas | {code: areas[covering(code)] for code in territories}

    synthetic = property(lambda self: self._facts["synthetic"])

    def published(self, job) -> bytes:
        """One report's tables, published from the data (read on first use) for the JSON its
        kernel reads in place of records: every place's year is published once for the
        whole build (``publication.tables.Publisher``), however many reports show it.

        Raises
        ------
        DisclosureError
            If a year the report shows cannot be protected (naming its tables only).
        """
        from ..publication.profile import published_for, published_json
        from ..publication.tables import report_tables

        params = job.parameters
        rule = SuppressionRule(params["suppression_threshold"], params["suppress_zero"])
        window = range(params["first_year"], job.year + 1)
        publication = self._publisher(rule).publication(PROFILED[job.territory], window)
        tables = report_tables(publication, job.year, params["first_year"])
        return published_json(tables, self.synthetic, published_for(
            job.territory, job.year, params["first_year"], rule))

    @cache  # noqa: B019 - one instance a build, its publishers live as long
    def _publisher(self, rule: SuppressionRule):
        """The build's publisher of one rule, on every territory's records."""
        from ..publication.tables import Publisher

        return Publisher(self._dataset, rule)

    def report_inputs(self, parameters: dict, territory_file_bytes: bytes) -> dict[str, str]:
        """The hash of everything one report depends on, as things stand now."""
        return state.report_inputs(parameters, self.template, self.package,
                                   self.slices[parameters["territory"]], territory_file_bytes,
                                   self.versions)

    def record(self) -> dict:
        """What the private state keeps, so that an unchanged data folder is not read again."""
        return {"files": self.file_hashes, **self._facts}
