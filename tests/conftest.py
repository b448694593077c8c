"""Test set-up: the project's local environment before anything imports Airflow; shared fixtures."""

from __future__ import annotations

import os

from govinspect.localenv import apply

apply()
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
