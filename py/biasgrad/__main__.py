"""``python -m biasgrad``."""

import sys

from .cli import main

sys.exit(main())
