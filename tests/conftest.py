"""Test set-up: the project's local environment before anything imports Airflow; shared fixtures."""

from __future__ import annotations

import os

from govinspect.localenv import apply

apply()
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
# The simulated prefecture's hosts (127.61.0.0/16) are loopback, which the collectors' SSRF guard refuses
# unless allowed by configuration (govinspect.collect.netguard); production leaves this unset.
os.environ["GOVINSPECT_ALLOWED_NETWORKS"] = "127.61.0.0/16"
