"""Collection: HTTP fetching, decoding, list-page extraction, probes and per-site collection."""
