"""The landing page: each report as its own record says, under the rule it was built with."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from htprofiles.batch.state import ReportRecord
from htprofiles.rendering.index import overview_table, page_rule, render_index

RULE_5 = {"suppression_threshold": 5, "suppress_zero": True}
RULE_3 = {"suppression_threshold": 3, "suppress_zero": True}


def _record(code: str, parameters: dict, cases, status: str = "written") -> ReportRecord:
    return ReportRecord(code, 2016, "key", {"territory": code, "year": 2016, **parameters}, {},
                        status=status, sizes={"html": 1}, sha256={"html": "x"},
                        headline={"cases": cases, "signals": 12})


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_a_report_kept_from_an_earlier_rule_says_so_and_stays_off_the_map():
    """The run built VI and PR with threshold 5; GU's rebuild failed, and its earlier report,
    built with threshold 3, is kept: it publishes a 4 that a map of "<5" marks cannot show."""
    records = [_record("VI", RULE_5, "<5"), _record("PR", RULE_5, 40),
               _record("GU", RULE_3, 4, status="stale")]
    assert page_rule(records) == records[0].rule
    assert [row["code"] for row in overview_table(records, 2016, page_rule(records)).rows] == [
        "PR", "VI"]
    text = " ".join(_text(render_index(records, synthetic=True)).split())
    assert 'Counts from 0 to 4 are withheld and shown as "<5", here as in every report' in text
    assert ('Guam (last build failed; previous report kept; built with another rule: counts '
            'from 0 to 2 read "<3")') in text
    assert "Virgin Islands (" not in text


def test_the_page_states_the_rule_its_reports_were_built_with():
    records = [_record("VI", RULE_3, "<3"), replace(_record("PR", RULE_3, 40), status="failed",
                                                    headline=None)]
    text = " ".join(_text(render_index(records, synthetic=False)).split())
    assert 'Counts from 0 to 2 are withheld and shown as "<3"' in text
    assert "another rule" not in text
