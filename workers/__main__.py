"""`python -m workers` is the `frontwire` command."""

from workers.cli import main

main()
