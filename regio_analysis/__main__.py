"""``python -m regio_analysis``: the ``regio-analysis`` command."""
import sys

from regio_analysis.cli import main

sys.exit(main())
