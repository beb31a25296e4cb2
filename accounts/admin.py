from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import account_find_or_invite


class InviteForm(forms.ModelForm):
    """A colleague is invited by e-mail and chooses their own password: nobody types it."""

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_reviewer", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name")}),
        (
            _("Rôles"),
            {"fields": ("is_reviewer", "is_branch", "is_active", "is_staff", "is_superuser")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_form = InviteForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name"),
                "description": _(
                    "La personne reçoit par e-mail un lien pour choisir elle-même son mot de passe."
                ),
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # The one way an account comes to exist: audited, no password, invitation on commit.
        user, _created = account_find_or_invite(
            email=obj.email, first_name=obj.first_name, last_name=obj.last_name, by=request.user
        )
        obj.__dict__.update(user.__dict__)
        return None
