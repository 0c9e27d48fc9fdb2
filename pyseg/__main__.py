from pyseg.cli import main

raise SystemExit(main())
