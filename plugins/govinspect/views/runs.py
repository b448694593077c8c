"""Which quarter a run of the quarterly DAG worked on: what its ``prepare_run`` task returned (XCom).

The quarter is not in the run id (an empty ``quarter`` param defaults to the run's date in Beijing time), so the
views read the resolved run context that ``prepare_run`` returned (``govinspect.run.RunContext.to_dict``) from
Airflow's metadata DB. Only called inside the API server, where Airflow's DB session is configured.
"""

from __future__ import annotations

import logging

from govinspect.views.auth import QUARTERLY_DAG_ID
from govinspect.views.outputs import QUARTER_PATTERN

log = logging.getLogger(__name__)

PREPARE_TASK_ID = "prepare_run"


def quarter_from_context(value: object) -> str | None:
    """The ``quarter`` of a run context returned by ``prepare_run``; None if absent or not a quarter name."""
    quarter = value.get("quarter") if isinstance(value, dict) else None
    return quarter if isinstance(quarter, str) and QUARTER_PATTERN.match(quarter) else None


def quarter_of_run(run_id: str) -> str | None:
    """The quarter the run ``run_id`` of the quarterly DAG works on, or None when ``prepare_run`` has not returned."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        query = XComModel.get_many(run_id=run_id, key="return_value", task_ids=PREPARE_TASK_ID,
                                   dag_ids=QUARTERLY_DAG_ID, map_indexes=-1, limit=1)
        row = session.scalars(query).first()
        value = XComModel.deserialize_value(row) if row is not None else None
    quarter = quarter_from_context(value)
    log.info("Run %s of %s: quarter %s", run_id, QUARTERLY_DAG_ID, quarter or "not known yet")
    return quarter
