"""Reproducible state and territory profiles of human-trafficking hotline data."""
