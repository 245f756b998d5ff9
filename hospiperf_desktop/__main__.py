"""`python -m hospiperf_desktop` runs the command line."""

from hospiperf_desktop.cli import main

raise SystemExit(main())
