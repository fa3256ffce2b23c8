"""``python -m digitalwell_ops`` is the ``digitalwell`` command."""

from digitalwell_ops.cli import main

main()
