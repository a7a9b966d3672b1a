"""Browser and end-to-end tests.

A package, so that its conftest.py does not clash with tests/conftest.py under
--doctest-modules (both would otherwise be imported as the module `conftest`).
"""
