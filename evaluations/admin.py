"""Read-mostly admin: state changes go through services (and their audit), not through here."""

from django.contrib import admin

from .models import (
    CommissionAssignment,
    CommissionSession,
    CompanyOpinion,
    EvaluationDossier,
    Interview,
    OpinionReminder,
    Report,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvaluationDossier)
class EvaluationDossierAdmin(ReadOnlyAdmin):
    list_display = ["registration", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status"]
    list_select_related = ["registration__candidate", "registration__campaign"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["registration", "version", "is_late", "size", "created_at"]
    list_filter = ["is_late"]
    exclude = ["file"]  # downloads only through the permission-checking view
    list_select_related = ["registration__candidate", "registration__campaign"]


@admin.register(CompanyOpinion)
class CompanyOpinionAdmin(ReadOnlyAdmin):
    list_display = ["registration", "respondent", "respondent_role", "status", "submitted_at"]
    list_filter = ["status", "respondent_role"]
    list_select_related = ["registration__candidate", "registration__campaign", "respondent"]


@admin.register(OpinionReminder)
class OpinionReminderAdmin(ReadOnlyAdmin):
    list_display = ["opinion", "kind", "deadline", "sent_at"]


@admin.register(CommissionSession)
class CommissionSessionAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "date", "place"]


@admin.register(CommissionAssignment)
class CommissionAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["session", "registration", "assigned_at"]


@admin.register(Interview)
class InterviewAdmin(ReadOnlyAdmin):
    list_display = ["registration", "date", "recorded_by"]
