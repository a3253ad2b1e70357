from __future__ import annotations

from django.db import models

from apps.audit.history import track_changes
from apps.core.models import TimestampedModel


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"
    PREFER_NOT = "prefer_not", "Prefers not to say"


class EthnicGroup(models.TextChoices):
    """The five high-level groups of the 2021 census (England and Wales), for monitoring."""

    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Another ethnic group"
    NOT_KNOWN = "not_known", "Not known"
    PREFER_NOT = "prefer_not", "Prefers not to say"


class Disabled(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"
    PREFER_NOT = "prefer_not", "Prefers not to say"


class SexualOrientation(models.TextChoices):
    HETEROSEXUAL = "heterosexual", "Straight or heterosexual"
    GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
    BISEXUAL = "bisexual", "Bisexual"
    OTHER = "other", "Another sexual orientation"
    NOT_KNOWN = "not_known", "Not known"
    PREFER_NOT = "prefer_not", "Prefers not to say"


@track_changes()
class Person(TimestampedModel):
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    other_names = models.CharField("Other names or aliases", max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_KNOWN)
    ethnicity = models.CharField(max_length=100, blank=True)
    disability = models.CharField(max_length=200, blank=True)
    # Equality monitoring (apps/insight): optional, each with "prefers not to say".
    ethnic_group = models.CharField(max_length=12, choices=EthnicGroup.choices,
                                    default=EthnicGroup.NOT_KNOWN, db_default="not_known")
    disabled = models.CharField("Disabled", max_length=12, choices=Disabled.choices,
                                default=Disabled.NOT_KNOWN, db_default="not_known")
    sexual_orientation = models.CharField(max_length=12, choices=SexualOrientation.choices,
                                          default=SexualOrientation.NOT_KNOWN,
                                          db_default="not_known")
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    address_restricted = models.BooleanField(
        default=False, help_text="Only the lead agency of a case sees a restricted address."
    )
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    may_phone = models.BooleanField(default=False)
    may_text = models.BooleanField(default=False)
    may_write = models.BooleanField(default=False)
    may_leave_voicemail = models.BooleanField(default=False)
    safe_times = models.CharField(max_length=200, blank=True)
    safe_word = models.CharField(max_length=100, blank=True)
    communication_needs = models.TextField(blank=True)
    created_by_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["family_name", "given_name", "date_of_birth"],
                         name="person_name_dob"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class RelationshipKind(models.TextChoices):
    PARTNER = "partner", "Partner"
    EX_PARTNER = "ex_partner", "Ex-partner"
    PARENT = "parent", "Parent"
    CHILD = "child", "Child"
    SIBLING = "sibling", "Sibling"
    ALLEGED_PERPETRATOR = "alleged_perpetrator", "Alleged perpetrator"
    CARER = "carer", "Carer"
    OTHER = "other", "Other"


@track_changes()
class Relationship(TimestampedModel):
    """``person`` is the ``kind`` of ``other``: e.g. Sam is the alleged perpetrator of Alex."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=RelationshipKind.choices)
    notes = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "other", "kind"],
                                    name="relationship_unique"),
            models.CheckConstraint(condition=~models.Q(person=models.F("other")),
                                   name="relationship_not_self"),
        ]
