"""Optional parts of Filon: libraries only one command needs, installed as extras.

``followthemoney`` (``filon export ftm``) comes with the ``ftm`` extra and ``networkx``
(``filon bench paths``) with the ``bench`` extra; the development install (``.[dev]``) has
both. A command that needs a missing one says how to install it.
"""

from __future__ import annotations

import importlib.util

EXTRAS = {"followthemoney": "ftm", "networkx": "bench"}


class MissingExtra(Exception):
    def __init__(self, module: str, command: str) -> None:
        extra = EXTRAS[module]
        super().__init__(
            f"`{command}` a besoin de {module}, qui n'est pas installé. Installez l'option "
            f"« {extra} » : pip install 'filon[{extra}]' (ou, depuis les sources, "
            f"pip install -e '.[{extra}]')."
        )
        self.module = module
        self.extra = extra


def require(module: str, command: str) -> None:
    """Raise :class:`MissingExtra` when ``module`` (one of :data:`EXTRAS`) is not installed."""
    if importlib.util.find_spec(module) is None:
        raise MissingExtra(module, command)
