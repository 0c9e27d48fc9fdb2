from pyseg.cli import run_console

raise SystemExit(run_console())
