"""The publication: records become published tables, and nothing else leaves this layer.

``catalogue`` declares the tables and counts them, ``protection`` decides what may be shown
(recording every decision in a ``transcript``), ``audit`` bounds every withheld count, and
``tables``/``profile`` hold the result: published cells and marks only, never a raw count.
"""
