"""Admin: every part of a referential; published and archived versions are read-only."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cqpm.core.errors import DomainError

from .models import Block, Capacity, Condition, Criterion, Referential
from .services import referential_new_draft, referential_publish


class FrozenReadOnlyMixin:
    """Change, add and delete only while the referential is a draft; viewing stays allowed."""

    def _referential_of(self, obj):
        return obj

    def _frozen(self, obj) -> bool:
        referential = self._referential_of(obj) if obj is not None else None
        return referential is not None and referential.is_frozen

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class FrozenInlineMixin(FrozenReadOnlyMixin):
    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)


class BlockInline(FrozenInlineMixin, admin.TabularInline):
    model = Block
    extra = 0
    fields = ("position", "code", "title")


class CapacityInline(FrozenInlineMixin, admin.TabularInline):
    model = Capacity
    extra = 0
    fields = ("number", "title", "block", "methods")
    show_change_link = True


@admin.register(Referential)
class ReferentialAdmin(FrozenReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "title",
        "version",
        "status",
        "category",
        "level",
        "capacity_count",
        "last_modified",
    )
    list_filter = ("status", "category")
    search_fields = ("code", "title")
    readonly_fields = ("status", "published_at", "created_at", "updated_at")
    inlines = [BlockInline, CapacityInline]
    actions = ["publish", "new_draft"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(capacity_count=Count("capacities"))

    @admin.display(description=_("capacités"), ordering="capacity_count")
    def capacity_count(self, obj) -> int:
        return obj.capacity_count

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ("code", "version", *self.readonly_fields)
        return self.readonly_fields

    @admin.action(description=_("Publier les brouillons sélectionnés"))
    def publish(self, request, queryset):
        self._apply(request, queryset, referential_publish, _("%d référentiel(s) publié(s)."))

    @admin.action(description=_("Créer un nouveau brouillon à partir de la version sélectionnée"))
    def new_draft(self, request, queryset):
        self._apply(request, queryset, referential_new_draft, _("%d brouillon(s) créé(s)."))

    def _apply(self, request, queryset, service, success: str) -> None:
        done = 0
        for referential in queryset:
            try:
                service(referential=referential, by=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{referential} : {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, success % done, messages.SUCCESS)


class ConditionInline(FrozenInlineMixin, admin.TabularInline):
    model = Condition
    extra = 0
    fields = ("position", "text")

    def _referential_of(self, obj):
        return obj.referential


class CriterionInline(FrozenInlineMixin, admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ("kind", "position", "text")

    def _referential_of(self, obj):
        return obj.referential


@admin.register(Capacity)
class CapacityAdmin(FrozenReadOnlyMixin, admin.ModelAdmin):
    list_display = ("number", "title", "referential", "block")
    list_select_related = ("referential", "block")
    list_filter = ("referential__status",)
    search_fields = ("title", "referential__code", "referential__title")
    ordering = ("referential__code", "referential__version", "number")
    inlines = [ConditionInline, CriterionInline]

    def _referential_of(self, obj):
        return obj.referential

    def has_add_permission(self, request):
        return False  # capacities are added from their referential's page (draft only)
