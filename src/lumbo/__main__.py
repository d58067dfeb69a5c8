"""``python -m lumbo`` runs the command line."""

from lumbo.cli import main

main()
