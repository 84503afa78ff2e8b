"""Report sections: links wherever the territory file gives an address, and only safe ones;
what each level of profile says; why a count or a table is withheld."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

from htprofiles import report
from htprofiles.contract.content import Hotline, Link, load_territory_content
from htprofiles.contract.data import slice_dataset, write_dataset
from htprofiles.contract.suppression import COMPLEMENTARY
from htprofiles.contract.territories import NUMERALS
from htprofiles.errors import InputError
from htprofiles.publication.headline import headline
from htprofiles.publication.profile import Profile
from htprofiles.rendering import sections

VI_FILE = Path(__file__).parents[1] / "params" / "territories" / "VI.yaml"


def test_a_web_address_in_a_note_becomes_a_link_without_its_full_stop():
    html = sections._with_links("Visit https://www.victimlaw.org/victimlaw/ or "
                                "(https://example.org/a?b=1&c=2). <Search> by citation.")
    assert html == (
        'Visit <a class="url" href="https://www.victimlaw.org/victimlaw/">'
        "https://www.victimlaw.org/victimlaw/</a> or "
        '(<a class="url" href="https://example.org/a?b=1&amp;c=2">'
        "https://example.org/a?b=1&amp;c=2</a>). &lt;Search&gt; by citation.")


def test_named_links_only_where_the_file_gives_an_address():
    html = sections.links((Link(name="Funds & grants", url="https://ovc.ojp.gov/"),
                           Link(name="Task force")))
    assert '<li><a href="https://ovc.ojp.gov/">Funds &amp; grants</a></li>' in html
    assert "<li>Task force</li>" in html


def test_hotlines_link_their_site_where_the_file_gives_one():
    html = sections.hotlines((Hotline(name="Crisis line", phone="555", url="https://a.example/"),
                              Hotline(name="Other line", phone="556")))
    assert '<a href="https://a.example/">Crisis line</a>' in html
    assert "<strong>Other line</strong>" in html


def test_values_are_escaped_as_html_escape_does_quotes_included():
    """Not as markupsafe does (``&#39;``, ``&#34;``): the golden digests fix these bytes."""
    name, url = """Tom & Jerry's <"best"> line""", "https://a.example/?q='x'&r=\"y\""
    html = sections.hotlines((Hotline(name=name, phone=name, url=url),))
    assert html == (f'<div class="hotline"><p><strong><a href="{escape(url)}">{escape(name)}</a>'
                    f'</strong> <span class="phone">{escape(name)}</span></p></div>')
    assert sections.links((Link(name=name),)) == (
        "<ul><li>Tom &amp; Jerry&#x27;s &lt;&quot;best&quot;&gt; line</li></ul>")


def test_the_template_links_the_national_hotline_its_own_site():
    template = (Path(__file__).parents[1] / "notebooks" / "profile.ipynb").read_text()
    assert ('<a href=\\"https://humantraffickinghotline.org/\\">National Human Trafficking '
            'Hotline</a>' in template)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ovc.ojp.gov", "https://"])
def test_a_territory_file_with_an_unsafe_or_partial_address_is_refused(tmp_path, url):
    params = tmp_path / "params"
    (params / "territories").mkdir(parents=True)
    text = VI_FILE.read_text(encoding="utf-8").replace("url: https://ovc.ojp.gov/", f"url: {url}")
    (params / "territories" / "VI.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"VI.yaml:15: funding.0.url: String should match"):
        load_territory_content(params, "VI")


# What each level of profile says: a territory, a region, the nation (2016 of the sample).

@pytest.fixture(scope="module")
def profiles() -> dict[str, Profile]:
    """2016 alone in the window: what these tests read is of 2016, and the nation's profile
    of five years publishes the whole hierarchy five times."""
    return {code: report.prepare(territory=code, first_year=2016)
            for code in ("VI", "RI", "R2", "US")}


def test_the_intro_and_the_map_text_name_their_level(profiles):
    intros = {code: sections.intro(p) for code, p in profiles.items()}
    maps = {code: sections.map_text(p) for code, p in profiles.items()}
    assert intros["VI"].endswith("in U.S. Virgin Islands.")
    assert "New Jersey, New York, Puerto Rico and U.S. Virgin Islands" in intros["R2"]
    assert "across the United States and its territories" in intros["US"]
    assert "each county of U.S. Virgin Islands" in maps["VI"]
    assert "state and territory of the region" in maps["R2"]
    assert "ten HHS regions" in maps["US"]
    for text in [*intros.values(), *maps.values()]:
        assert "region or the nation" not in text and "HHS region or nation" not in text


def test_a_withheld_headline_count_says_why(profiles):
    facts = dict(sections._headline_facts(profiles["RI"]))
    assert COMPLEMENTARY in facts.values(), "the sample's 2016 headline of RI withholds a count"
    note = sections.headline_note(profiles["RI"])
    assert "withheld, although it is 3 or more" in note and note in sections.header(
        profiles["RI"])


def test_an_area_headline_no_member_can_protect_says_why_and_shows_its_range(sample, tmp_path):
    """Region II with no records at all: each territory's cases read <3, none publishes a
    count that could be withheld in their place, so the region's cases are withheld too."""
    write_dataset(slice_dataset(sample, "RI"), tmp_path)
    profile = report.prepare(territory="R2", first_year=2016, data_dir=str(tmp_path))
    facts = dict(sections._headline_facts(profile))
    assert facts["Cases in 2016 (withheld)"] == "0\u20138"
    note = sections.headline_note(profile)
    assert "A regional or national count is withheld wherever" in note
    assert "Its range is what anyone can work out from the counts published." in note
    assert note in sections.header(profile)


def test_a_territory_headline_withheld_for_its_region_says_so():
    """Hawaii's 2016 cases are withheld so that Region IX can publish its own (the Northern
    Mariana Islands' read <3): its report says so, and its JSON row names the region."""
    profile = report.prepare(territory="HI", first_year=2016)
    assert profile.tables["cases_by_year"].rows[-1] == {"year": 2016, "value": COMPLEMENTARY,
                                                        "lent_to": "R9"}
    note = sections.headline_note(profile)
    assert note == ("The number of cases in 2016 is withheld (it is 3 or more) so that HHS "
                    "Region IX can publish its own without revealing a count below 3 of "
                    "another of its states or territories.")
    assert "Region IX" in sections.header(profile)
    assert "HHS region can publish its own" in profile.tables["cases_by_year"].footnote


def test_the_nation_and_every_region_publish_their_headline_counts(profiles):
    for code in ("R2", "US"):
        assert all(isinstance(value, int) for value in headline(
            {name: table.rows for name, table in profiles[code].tables.items()}, 2016).values())
        assert sections.headline_note(profiles[code]) == ""


def test_a_headline_of_counts_needs_no_note(profiles):
    assert sections.headline_note(profiles["VI"]) == ""


def test_each_venue_list_not_shown_says_which_it_is(profiles):
    for code in ("VI", "R2"):
        html = sections.venues(profiles[code].tables["sex_trafficking_venues"]) \
            + sections.venues(profiles[code].tables["labor_trafficking_venues"])
        assert html.index("Top sex trafficking venues") < html.index("Top labor trafficking")


def test_an_areas_laws_note_is_shown(profiles):
    html = sections.laws(profiles["R2"])
    assert "Laws differ by state and territory" in html and "None on file" not in html


def test_the_nations_states_are_grouped_by_region_and_sorted_by_name(profiles):
    groups = sections.by_region(profiles["US"].tables["cases_by_state"])
    assert [group.title for group in groups] == [f"HHS Region {n}" for n in NUMERALS]
    region_one = [row["category"] for row in groups[0].rows]
    assert region_one == ["Connecticut", "Maine", "Massachusetts", "New Hampshire",
                          "Rhode Island", "Vermont"]
    assert sum(len(group.rows) for group in groups) == 56


def test_the_json_says_why_each_table_not_shown_is_empty(profiles):
    for profile in profiles.values():
        data = profile.to_json()
        assert data["provenance"]["data_source"] == "synthetic sample"
        for name, rows in data["tables"].items():
            status = data["table_status"][name]
            assert (status["status"] == "shown") == bool(rows)
            assert (status["reason"] is None) == bool(rows)
    assert profiles["VI"].to_json()["table_status"]["sex_trafficking_venues"] == {
        "status": "none listed",
        "reason": "All sex trafficking venues reported fewer than three times."}
