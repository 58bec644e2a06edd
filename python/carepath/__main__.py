"""``python -m carepath`` is the ``carepath`` command."""

import sys

from .cli import main

sys.exit(main())
