"""Report sections: links wherever the territory file gives an address, and only safe ones."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

from htprofiles.contract.content import Hotline, Link, load_territory_content
from htprofiles.errors import InputError
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
