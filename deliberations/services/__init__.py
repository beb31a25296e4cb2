"""Writes of the commission and the jury, split by sub-domain; every rule raises DomainError."""

from .carry_over import carry_over_for, carry_over_for_campaign
from .composition import (
    jury_composition_check,
    jury_conflicts,
    jury_presence_check,
    jury_recusals_record,
)
from .decisions import jury_decision_amend, jury_decision_record, jury_session_close
from .juries import (
    jury_attendance_record,
    jury_candidate_remove,
    jury_candidates_assign,
    jury_deliberation_start,
    jury_member_add,
    jury_member_remove,
    jury_session_cancel,
    jury_session_create,
    jury_session_edit,
    jury_session_reschedule,
)
from .results import (
    ResultChange,
    ResultRow,
    ResultRowsInvalid,
    ResultsConflict,
    capacity_result_correct,
    capacity_result_record,
    capacity_results_record,
    result_sheet_validate,
    results_changed_since,
)

__all__ = [
    "ResultChange",
    "ResultRow",
    "ResultRowsInvalid",
    "ResultsConflict",
    "capacity_results_record",
    "results_changed_since",
    "capacity_result_correct",
    "capacity_result_record",
    "carry_over_for",
    "carry_over_for_campaign",
    "jury_attendance_record",
    "jury_composition_check",
    "jury_conflicts",
    "jury_presence_check",
    "jury_recusals_record",
    "jury_candidate_remove",
    "jury_candidates_assign",
    "jury_decision_amend",
    "jury_decision_record",
    "jury_deliberation_start",
    "jury_member_add",
    "jury_member_remove",
    "jury_session_close",
    "jury_session_cancel",
    "jury_session_create",
    "jury_session_edit",
    "jury_session_reschedule",
    "result_sheet_validate",
]
