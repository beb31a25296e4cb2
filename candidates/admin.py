"""Superusers manage centres here; staff use the app's pages. A plain, reasonable admin."""

from django.contrib import admin

from .models import Campaign, Candidate, CentreMembership, Company, ExamCentre, Registration


class MembershipInline(admin.TabularInline):
    model = CentreMembership
    extra = 0
    raw_id_fields = ("user", "company")


@admin.register(ExamCentre)
class ExamCentreAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "region", "email", "phone")
    search_fields = ("name", "code", "region")
    prepopulated_fields = {"code": ("name",)}
    inlines = [MembershipInline]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "siret")
    search_fields = ("name", "siret")


@admin.register(CentreMembership)
class CentreMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "centre", "role", "college", "company")
    list_filter = ("role", "college")
    search_fields = ("user__email", "user__last_name", "centre__name")
    list_select_related = ("user", "centre", "company")
    raw_id_fields = ("user", "company")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "centre", "referential", "status", "registration_opens", "jury_date")
    list_filter = ("status",)
    search_fields = ("name", "centre__name", "referential__code", "referential__title")
    list_select_related = ("centre", "referential")
    raw_id_fields = ("referential",)
    date_hierarchy = "jury_date"
    # The status moves only along Campaign.TRANSITIONS, through the campaign page's service.
    readonly_fields = ("status",)


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "birth_date", "email", "phone")
    search_fields = ("last_name", "first_name", "email")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("candidate", "campaign", "company", "pathway", "stage", "registered_on")
    list_filter = ("stage", "pathway")
    search_fields = ("candidate__last_name", "candidate__first_name", "company__name")
    list_select_related = ("candidate", "campaign", "company")
    raw_id_fields = ("campaign", "candidate", "company", "tutor")
    # The stage moves only along Registration.TRANSITIONS, through the services.
    readonly_fields = ("stage", "withdrawn_at", "withdrawal_reason", "late_reason")
