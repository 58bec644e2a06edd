"""``python -m carepath`` is the ``carepath`` command."""

import sys

from .cli.main import main

sys.exit(main())
