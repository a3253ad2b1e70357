from __future__ import annotations

from django.conf import settings
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
    # Match keys (apps/people/matching.py), kept in step with the names and postcode by save().
    given_name_key = models.CharField(max_length=8, blank=True, default="", editable=False)
    family_name_key = models.CharField(max_length=8, blank=True, default="", editable=False)
    postcode_key = models.CharField(max_length=10, blank=True, default="", editable=False)
    # A merged record is a tombstone pointing at the record it was merged into.
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged_from", editable=False)
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["family_name", "given_name", "date_of_birth"],
                         name="person_name_dob"),
            models.Index(fields=["family_name_key"], name="person_family_key"),
            models.Index(fields=["given_name_key"], name="person_given_key"),
            models.Index(fields=["postcode_key"], name="person_postcode_key",
                         condition=~models.Q(postcode_key="")),
            models.Index(fields=["date_of_birth"], name="person_dob"),
        ]

    KEY_SOURCES = {"given_name": "given_name_key", "family_name": "family_name_key",
                   "postcode": "postcode_key"}

    def save(self, *args: object, **kwargs: object) -> None:
        from apps.people.matching import name_key, postcode_key

        self.given_name_key = name_key(self.given_name)
        self.family_name_key = name_key(self.family_name)
        self.postcode_key = postcode_key(self.postcode)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *(
                key for source, key in self.KEY_SOURCES.items() if source in update_fields)}
        super().save(*args, **kwargs)

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


@track_changes()
class PersonLink(TimestampedModel):
    """Two records a lead-agency manager has recorded as the same person, without merging
    them: each record's page points to the other. Undone by ``unlinked_at`` (kept)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="links_from")
    other = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="links_to")
    reason = models.TextField()
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    linked_by_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                         related_name="+")
    unlinked_at = models.DateTimeField(null=True, blank=True)
    unlinked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "other"], name="person_link_live_unique",
                                    condition=models.Q(unlinked_at__isnull=True)),
            models.CheckConstraint(condition=~models.Q(person=models.F("other")),
                                   name="person_link_not_self"),
        ]


@track_changes()
class PersonMerge(TimestampedModel):
    """One merge: ``merged`` became a tombstone of ``survivor``; ``moved`` counts what moved."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_into")
    merged = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="merge")
    reason = models.TextField()
    date_of_birth_reason = models.TextField(blank=True)
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    merged_by_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                         related_name="+")
