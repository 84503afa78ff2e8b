"""The records a build keeps of its reports: typed, and read back as they were written."""

from __future__ import annotations

import json
from dataclasses import replace

from htprofiles.batch import state
from htprofiles.batch.state import FolderState, ReportRecord
from htprofiles.contract.suppression import SuppressionRule

PARAMETERS = {"territory": "VI", "year": 2016, "data_dir": "data", "params_dir": "params",
              "suppression_threshold": 5, "suppress_zero": False, "first_year": 2012}
PENDING = ReportRecord("VI", 2016, "key", PARAMETERS, {"data_slice": "d", "template": "t"})
WRITTEN = replace(PENDING, status="written", sizes={"html": 10, "pdf": 20},
                  sha256={"html": "h", "pdf": "p"}, headline={"cases": 4, "signals": "<5"})


def test_a_record_survives_its_json_round_trip():
    for record in (PENDING, WRITTEN, replace(WRITTEN, status="stale", error="cell 3: boom")):
        assert ReportRecord.from_json(json.loads(json.dumps(record.to_json()))) == record


def test_a_record_without_files_has_no_file_fields_in_json():
    assert set(PENDING.to_json()) == {"territory", "year", "key", "parameters", "inputs",
                                      "status", "error"}
    assert not PENDING.built and WRITTEN.built and WRITTEN.has_pdf


def test_a_record_knows_its_name_rule_and_paths(tmp_path):
    assert WRITTEN.name == "2016/VI"
    assert WRITTEN.rule == SuppressionRule(5, False)
    assert WRITTEN.paths(tmp_path)["notebook"] == tmp_path / "2016" / "VI.ipynb"


def test_the_manifest_publishes_no_digest_of_the_data():
    folder = FolderState({"files": {"cases.csv": "digest"}}, "index", {WRITTEN.name: WRITTEN})
    manifest = folder.manifest()["reports"]["2016/VI"]
    assert set(manifest) == set(state.PUBLIC_FIELDS)
    assert "inputs" not in manifest and "key" not in manifest


def test_the_folder_state_is_read_back_as_written(tmp_path):
    folder = FolderState({"files": {}}, "index", {WRITTEN.name: WRITTEN, "2016/PR": replace(
        PENDING, territory="PR", status="failed", error="timed out")})
    (tmp_path / state.STATE).parent.mkdir()
    (tmp_path / state.STATE).write_bytes(state.json_bytes(folder.to_json()))
    assert state.load_state(tmp_path) == folder


def test_a_damaged_or_older_state_only_costs_a_rebuild(tmp_path):
    (tmp_path / state.STATE).parent.mkdir()
    for text in ("{", '{"format": 1, "reports": {}}', '{"format": 2, "reports": []}',
                 json.dumps({"format": 2, "data": {}, "index": None,
                             "reports": {"2016/VI": {"territory": "VI", "colour": "red"}}})):
        (tmp_path / state.STATE).write_text(text)
        assert state.load_state(tmp_path) == FolderState()
