"""Units (đơn vị): the tree of party boards, government bodies, departments and organisations."""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from directives.text import search_key


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh (cơ quan giao nhiệm vụ)")
    PARTY_BOARD = "party_board", _("Ban, cơ quan của Tỉnh ủy")
    PARTY_GROUP = "party_group", _("Đảng đoàn, ban cán sự đảng")
    COUNCIL = "council", _("Hội đồng nhân dân")
    COMMITTEE = "committee", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    MASS_ORG = "mass_org", _("Mặt trận, đoàn thể")
    AGENCY = "agency", _("Cơ quan khác")
    PARTY_COMMITTEE = "party_committee", _("Đảng bộ trực thuộc")
    DISTRICT = "district", _("Cấp huyện")


class UnitQuerySet(models.QuerySet):
    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        """The unit and every unit beneath it (materialised path prefix, one indexed query)."""
        return self.filter(path__startswith=unit.path)

    def active(self) -> UnitQuerySet:
        return self.filter(active=True)


class Unit(models.Model):
    """A body that can lead or coordinate an assignment; units form a tree under the province."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    name = models.CharField(_("tên"), max_length=200, unique=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    aliases = models.TextField(
        _("tên gọi khác"), blank=True, help_text=_("Mỗi dòng một tên gọi khác hoặc viết tắt.")
    )
    active = models.BooleanField(_("đang hoạt động"), default=True)
    # Whether the unit's staff (not only its leaders) may split its assignments (issue 17).
    staff_may_split = models.BooleanField(
        _("cán bộ được giao tiếp cho cấp dưới"),
        default=False,
        help_text=_("Cho phép cán bộ (không chỉ lãnh đạo) của đơn vị chia nhiệm vụ cho cấp dưới."),
    )
    # Materialised path ("000001/000007/") so a subtree is one prefix query, at any depth.
    path = models.CharField(_("đường dẫn cây"), max_length=255, editable=False, db_index=True)
    search_text = models.TextField(editable=False, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_text = search_key(self.name, self.short_name, *self.alias_list())
        with transaction.atomic():
            super().save(*args, **kwargs)
            new_path = (self.parent.path if self.parent_id else "") + f"{self.pk:06d}/"
            if new_path != self.path:
                old_path, self.path = self.path, new_path
                Unit.objects.filter(pk=self.pk).update(path=new_path)
                if old_path:
                    # A move re-roots the whole subtree in one statement.
                    Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                        path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
                    )
                    from directives import aggregates

                    aggregates.unit_moved(self, old_path, new_path)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    def is_within(self, other: Unit) -> bool:
        """True when this unit is `other` or lies beneath it."""
        return bool(other.path) and self.path.startswith(other.path)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.pk and self.parent_id and self.parent.is_within(self):
            raise ValidationError({"parent": _("Không thể đặt đơn vị dưới chính nó.")})
