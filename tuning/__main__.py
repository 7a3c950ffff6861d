"""``python -m tuning ARGS`` is ``zoo tune ARGS``.

It goes through :func:`zoo.cli.main`, so the global options, the logging set-up and the
one-line errors with their exit statuses are those of ``zoo tune``.
"""

import sys

from zoo.cli import main

if __name__ == "__main__":
    sys.exit(main(["tune", *sys.argv[1:]]))
