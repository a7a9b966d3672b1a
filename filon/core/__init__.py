"""The pure core: algorithms, normalisation and the demo generator.

Nothing in this package imports Django (``tests/core/test_purity.py`` enforces it): the
Django apps adapt database rows into plain inputs, after applying the viewer's permissions.
"""
