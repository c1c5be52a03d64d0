"""``python -m graph``: the Partnergraph command line."""

from .cli import main

main()
