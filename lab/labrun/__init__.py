"""The lab runner's modules; lab/run is the entry point (lab/README.md)."""
