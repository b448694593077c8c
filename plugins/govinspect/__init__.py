"""govinspect: core library."""
