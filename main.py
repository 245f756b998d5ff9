"""Start HospiPerf Desktop (the graphical application).

    python main.py [--db PATH] [--smoke-test [--visit-sections]]

    hospiperf-desktop cli COMMAND ...   (the packaged application's command line)

`--smoke-test` shows the window, waits for the data to be ready, prints the two moments
(`shown <t>` and `ready <t>`, time.monotonic() seconds) and quits: the packaging check and
the start-up benchmark use it. `--visit-sections` also opens every section and tab first
(ui/smoke.py).
"""

import sys

from ui.app import run

if __name__ == "__main__":
    if sys.argv[1:2] == ["cli"]:
        from hospiperf_desktop.cli import main

        sys.exit(main(sys.argv[2:]))
    sys.exit(run(sys.argv))
