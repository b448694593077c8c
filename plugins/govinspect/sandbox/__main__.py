"""``python -m govinspect.sandbox serve …`` (same as ``govinspect sandbox serve …``)."""

import sys

from govinspect.sandbox.cli import main

sys.exit(main())
