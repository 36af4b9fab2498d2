"""Compatibility package: the documented import paths of the original library."""
