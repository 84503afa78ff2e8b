"""Rendering: published tables become HTML fragments, SVG charts, the index and PDFs.

Everything here takes published values (``PublishedTable``, the report JSON), so no output can
show a count the publication withheld.
"""
