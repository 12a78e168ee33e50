"""`python -m rowboat.sandbox`: the same as `rowboat sandbox`."""

import argparse

from rowboat.sandbox.command import add_arguments, run

parser = argparse.ArgumentParser(
    prog="python -m rowboat.sandbox", description="Run the Rowboat sandbox in the foreground."
)
add_arguments(parser)
raise SystemExit(run(parser.parse_args()))
