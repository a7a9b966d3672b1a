"""Filon: the networking platform of an engineering-school alumni federation, for its docteurs."""

__version__ = "0.1.0"
