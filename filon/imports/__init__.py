"""Imports: the annuaire CSV, vCards, LinkedIn connections, theses.fr and ORCID records.

One module per source turns a file into :class:`~filon.imports.base.PersonRecord` objects;
:mod:`filon.imports.loader` matches them against the directory and writes them;
:func:`filon.imports.actions.import_file` runs the whole in one transaction.
"""
