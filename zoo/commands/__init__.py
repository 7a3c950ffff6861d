"""Subcommands of the ``zoo`` command line (see ``zoo.cli``)."""
