"""Where the app's resource folders are: ``ontology/``, ``data/``, ``templates/`` and ``static/``.

In a checkout they sit beside the packages (the repository's layout); an installed wheel keeps them inside its own
package ``partnergraph`` (``site-packages/partnergraph/data`` ...), so that nothing of ours but the code lands at
the top of site-packages.

>>> resource("ontology", "shapes.ttl").name
'shapes.ttl'
"""

from __future__ import annotations

from pathlib import Path

#: The folder that holds the packages: the checkout, or site-packages once installed.
_BESIDE = Path(__file__).resolve().parent.parent
#: The folder that holds the resource folders.
ROOT = _BESIDE / "partnergraph" if (_BESIDE / "partnergraph" / "ontology").is_dir() else _BESIDE


def resource(*parts: str) -> Path:
    """The path of a resource folder or file, e.g. ``resource("data", "seeds")``."""
    return ROOT.joinpath(*parts)
