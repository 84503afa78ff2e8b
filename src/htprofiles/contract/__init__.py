"""The input contract and reference data: what htprofiles accepts and knows before counting.

Data files (``data``), report parameters (``parameters``), territory files (``content``), the
disclosure rule (``suppression``), territories, vocabularies and the county atlas (``geo``),
and the synthetic sample (``sample``). Nothing here counts or publishes.
"""
