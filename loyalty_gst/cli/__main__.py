"""`python -m loyalty_gst.cli`."""

from loyalty_gst.cli import main

main()
