"""``python -m wireshift``: the command line (see ``wireshift --help``)."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
