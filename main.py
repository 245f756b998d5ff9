"""Start HospiPerf Desktop (the graphical application).

    python main.py [--db PATH] [--smoke-test]

`--smoke-test` shows the window, waits for the data to be ready, prints the two moments
(`shown <t>` and `ready <t>`, time.monotonic() seconds) and quits: the packaging check and
the start-up benchmark use it.
"""

import sys

from ui.app import run

if __name__ == "__main__":
    sys.exit(run(sys.argv))
