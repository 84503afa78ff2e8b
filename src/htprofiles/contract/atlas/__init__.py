"""The county atlas (us-atlas, 10m counties TopoJSON; see README.md), read by ``contract.geo``."""
