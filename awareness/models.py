from django.db import connection, models
from django.db.models import Case, F, FloatField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy as _

from .languages import (
    localized,
    localized_columns,
    search_forms,
    to_traditional,
    translated_fields,
)
from .validators import editorial_date, publication_date


class Loadable(models.Model):
    """Bookkeeping for load_content, which must never overwrite staff edits.

    The loader records what it last wrote and when; an item saved after
    that was edited by someone else.
    """

    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    loaded_digest = models.CharField(max_length=64, blank=True, editable=False)
    loaded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def is_edited_since_load(self):
        """Return True if someone changed the item after load_content did."""
        return self.loaded_at is not None and self.updated_at > self.loaded_at


class TranslationStatus(models.TextChoices):
    MISSING = "missing", _("Missing")
    STALE = "stale", _("Out of date")
    CONVERTED = "converted", _("Converted from Simplified")
    CURRENT = "current", _("Up to date")


class Translatable(models.Model):
    """Keep track of an item's translations, and derive Traditional Chinese.

    A translation is out of date when the English changed in a save that
    left the translation alone. Traditional Chinese is converted from the
    Simplified with OpenCC until staff write their own.
    """

    zh_hans_status = models.CharField(
        _("Simplified Chinese"),
        max_length=10,
        choices=TranslationStatus.choices,
        default=TranslationStatus.MISSING,
        editable=False,
    )
    zh_hant_status = models.CharField(
        _("Traditional Chinese"),
        max_length=10,
        choices=TranslationStatus.choices,
        default=TranslationStatus.MISSING,
        editable=False,
    )
    zh_hant_is_converted = models.BooleanField(
        _("convert Traditional Chinese automatically"),
        default=True,
        help_text=_(
            "Fill the Traditional Chinese from the Simplified with OpenCC. "
            "Editing a Traditional Chinese field unticks this, so your text is kept."
        ),
    )

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        columns = localized_columns(cls)
        instance._translation_snapshot = {
            name: value or ""
            for name, value in zip(field_names, values, strict=True)
            if name in columns
        }
        return instance

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.update_translations()
        elif set(update_fields) & localized_columns(type(self)):
            self.update_translations()
            kwargs["update_fields"] = {
                *update_fields,
                "zh_hans_status",
                "zh_hant_status",
                *(localized(f, "zh_hant") for f in translated_fields(type(self))),
            }
        super().save(*args, **kwargs)
        self._translation_snapshot = {
            name: getattr(self, name) or "" for name in localized_columns(type(self))
        }

    def update_translations(self):
        """Convert Traditional Chinese if asked, and work out each status."""
        fields = translated_fields(type(self))
        before = getattr(self, "_translation_snapshot", {})

        def text(field, language):
            return getattr(self, localized(field, language)) or ""

        def changed(language):
            return any(
                before.get(localized(field, language)) != text(field, language)
                for field in fields
            )

        if self.zh_hant_is_converted:
            for field in fields:
                setattr(
                    self,
                    localized(field, "zh_hant"),
                    to_traditional(text(field, "zh_hans")),
                )
        english_changed = changed("en")
        for language in ("zh_hans", "zh_hant"):
            status = getattr(self, f"{language}_status")
            if any(text(f, "en") and not text(f, language) for f in fields):
                status = TranslationStatus.MISSING
            elif changed(language):
                status = TranslationStatus.CURRENT
            elif english_changed:
                status = TranslationStatus.STALE
            setattr(self, f"{language}_status", status)
        if self.zh_hant_is_converted and self.zh_hans_status == "current":
            self.zh_hant_status = TranslationStatus.CONVERTED

    @classmethod
    def refresh_conversions(cls):
        """Convert Traditional Chinese again where it is converted; return the count.

        Rows are updated in place, without save(), so that a change to the
        converter or its phrase dictionary does not count as a staff edit.
        """
        fields = translated_fields(cls)
        pairs = [(localized(f, "zh_hans"), localized(f, "zh_hant")) for f in fields]
        rows = cls._base_manager.filter(zh_hant_is_converted=True).values(
            "pk", *(column for pair in pairs for column in pair)
        )
        changed = 0
        for row in rows:
            converted = {hant: to_traditional(row[hans] or "") for hans, hant in pairs}
            if any(converted[hant] != (row[hant] or "") for _hans, hant in pairs):
                cls._base_manager.filter(pk=row["pk"]).update(**converted)
                changed += 1
        return changed

    def mark_translations_current(self):
        """Confirm that complete translations still match the English."""
        for language in ("zh_hans", "zh_hant"):
            if getattr(self, f"{language}_status") == TranslationStatus.STALE:
                setattr(self, f"{language}_status", TranslationStatus.CURRENT)
        if self.zh_hant_is_converted and self.zh_hans_status == "current":
            self.zh_hant_status = TranslationStatus.CONVERTED
        type(self).objects.filter(pk=self.pk).update(
            zh_hans_status=self.zh_hans_status, zh_hant_status=self.zh_hant_status
        )


class Source(Loadable, Translatable):
    """A publication the site's facts come from, cited on every page."""

    slug = models.SlugField(_("key"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200)
    author = models.CharField(_("author"), max_length=200, blank=True)
    url = models.URLField(_("address"), max_length=500, blank=True)
    published_on = models.DateField(
        _("published on"), null=True, blank=True, validators=[publication_date]
    )
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("What this source confirms, and any caveat."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ("order", "title")
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return f"{self.publisher}: {self.title}"


# PostgreSQL's full-text weights, in the same spirit as search_weights.
FTS_WEIGHTS = {"title": "A", "summary": "B"}


class ContentQuerySet(models.QuerySet):
    def published(self):
        """Return items visitors may see: published, and not scheduled later."""
        return self.filter(is_published=True, published_at__lte=timezone.now())

    def visible_to(self, user):
        """Return what this user may read: staff also preview drafts."""
        if user.is_active and user.is_staff:
            return self.all()
        return self.published()

    def search(self, terms):
        """Return items matching every term in some field, with a rank.

        Fields are searched in the active language; in Chinese a term is
        also looked for as the other script writes it (search_forms()).
        Title matches weigh most, then the summary, then the body. Substring
        matching works for any language, Chinese included (it has no spaces
        between words); on
        PostgreSQL, English full-text search also finds other forms of a
        word ("leaked" for "leaks") and adds its own rank.
        """
        language = get_language() or "en"
        weights = {
            localized(field, language): weight
            for field, weight in self.model.search_weights.items()
        }
        matches = Q()
        rank = Value(0.0)
        for term in terms:
            forms = search_forms(term, language)
            matches &= Q.create(
                [(f"{field}__icontains", form) for field in weights for form in forms],
                Q.OR,
            )
            for field, weight in weights.items():
                rank += Case(
                    When(
                        Q.create(
                            [(f"{field}__icontains", form) for form in forms], Q.OR
                        ),
                        then=Value(float(weight)),
                    ),
                    default=Value(0.0),
                    output_field=FloatField(),
                )
        queryset = self
        if connection.vendor == "postgresql" and language == "en":
            from django.contrib.postgres.search import (
                SearchQuery,
                SearchRank,
                SearchVector,
            )

            vector = SearchVector(
                *(
                    SearchVector(
                        column,
                        weight=FTS_WEIGHTS.get(field, "D"),
                        config="english",
                    )
                    for field, column in zip(
                        self.model.search_weights, weights, strict=True
                    )
                )
            )
            query = SearchQuery(
                " ".join(terms), search_type="websearch", config="english"
            )
            queryset = queryset.annotate(document=vector)
            matches |= Q(document=query)
            rank += SearchRank(F("document"), query) * 10
        return queryset.filter(matches).annotate(rank=rank)


class Publishable(Loadable, Translatable):
    """A titled item staff publish from a moment on, with its sources:
    a quiz, a simulation, and every piece of editorial Content."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    sources = models.ManyToManyField(
        Source, verbose_name=_("sources"), related_name="+", blank=True
    )
    last_verified = models.DateField(_("last verified"), validators=[editorial_date])
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(
        _("publish at"), default=timezone.now, validators=[editorial_date]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ("order", "title")

    def __str__(self):
        return self.title

    def is_public(self):
        """Return True if learners can see this item now."""
        return self.is_published and self.published_at <= timezone.now()


class Content(Publishable):
    """Fields shared by every piece of editorial content.

    Publishable's, with help texts for editorial pages.
    """

    summary = models.TextField(
        _("summary"), help_text=_("One or two plain sentences for lists and search.")
    )
    last_verified = models.DateField(
        _("last verified"),
        help_text=_("When the facts were last checked against the sources."),
        validators=[editorial_date],
    )
    published_at = models.DateTimeField(
        _("publish at"),
        default=timezone.now,
        help_text=_("Visitors see the item from this moment once it is published."),
        validators=[editorial_date],
    )

    objects = ContentQuerySet.as_manager()

    class Meta(Publishable.Meta):
        abstract = True

    def search_text(self):
        """Return the searchable text after the title, for result excerpts."""
        return "\n\n".join(
            getattr(self, field) for field in self.search_weights if field != "title"
        )


class ChainLink(Content):
    """One link of the criminal industry chain: acquisition, reselling, use."""

    body = models.TextField(_("body"), help_text=_("Markdown."))

    search_weights = {"title": 10, "summary": 4, "body": 1}

    class Meta(Content.Meta):
        verbose_name = _("chain link")
        verbose_name_plural = _("chain links")

    def get_absolute_url(self):
        return reverse("chain") + f"#{self.slug}"


class PrecautionTip(Content):
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    why_it_matters = models.TextField(_("why it matters"), help_text=_("Markdown."))
    what_to_do = models.TextField(_("what to do"), help_text=_("Markdown."))
    editor_note = models.TextField(
        _("editor's note"),
        blank=True,
        help_text=_("Markdown. Say where the site departs from the source, and why."),
    )
    easy_read = models.TextField(
        _("easy-read summary"),
        blank=True,
        help_text=_(
            "Markdown. For easy-read mode: short sentences and everyday words "
            "saying why it matters and what to do. Facts only from the full text."
        ),
    )

    search_weights = {
        "title": 10,
        "summary": 4,
        "why_it_matters": 1,
        "what_to_do": 1,
        "editor_note": 1,
    }

    class Meta(Content.Meta):
        ordering = ("number", "title")
        verbose_name = _("precaution tip")
        verbose_name_plural = _("precaution tips")

    def get_absolute_url(self):
        return reverse("tip_detail", args=[self.slug])


class CaseStudy(Content):
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    story = models.TextField(_("story"), help_text=_("Markdown."))
    warning_signs = models.TextField(
        _("how victims could have noticed"), help_text=_("Markdown.")
    )
    police_action = models.TextField(_("what the police did"), help_text=_("Markdown."))
    takeaway = models.TextField(_("what to take away"), help_text=_("Markdown."))
    easy_read = models.TextField(
        _("easy-read summary"),
        blank=True,
        help_text=_(
            "Markdown. For easy-read mode: short sentences and everyday words "
            "saying what happened and what to do. Facts only from the full text."
        ),
    )
    tips = models.ManyToManyField(
        PrecautionTip,
        verbose_name=_("tips that prevent it"),
        related_name="case_studies",
        blank=True,
    )

    search_weights = {
        "title": 10,
        "summary": 4,
        "story": 1,
        "warning_signs": 1,
        "police_action": 1,
        "takeaway": 1,
    }

    class Meta(Content.Meta):
        ordering = ("number", "title")
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")

    def get_absolute_url(self):
        return reverse("case_study_detail", args=[self.slug])


class ChainRoleQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return roles from the case studies this user may read."""
        return self.filter(case_study__in=CaseStudy.objects.visible_to(user))


class ChainRole(Translatable):
    """Who did what in one case, placed on the industry chain."""

    class Position(models.TextChoices):
        UPSTREAM = "upstream", _("Upstream")
        MIDSTREAM = "midstream", _("Midstream")
        DOWNSTREAM = "downstream", _("Downstream")

    case_study = models.ForeignKey(
        CaseStudy,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name=_("case study"),
    )
    link = models.ForeignKey(
        ChainLink,
        on_delete=models.PROTECT,
        related_name="roles",
        verbose_name=_("chain link"),
    )
    position = models.CharField(
        _("place in the chain"), max_length=10, choices=Position.choices, blank=True
    )
    actor = models.CharField(_("who"), max_length=200)
    action = models.TextField(_("what they did"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ChainRoleQuerySet.as_manager()

    class Meta:
        ordering = ("order", "pk")
        verbose_name = _("role in the chain")
        verbose_name_plural = _("roles in the chain")

    def __str__(self):
        return f"{self.actor} ({self.link})"


class KeyFigure(Translatable):
    """A number from a case, with how far it has been confirmed."""

    class Basis(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed by an official source")
        ARTICLE = "article", _("According to the article")

    case_study = models.ForeignKey(
        CaseStudy,
        on_delete=models.CASCADE,
        related_name="figures",
        verbose_name=_("case study"),
    )
    value = models.CharField(_("figure"), max_length=40)
    label = models.CharField(_("what it counts"), max_length=200)
    basis = models.CharField(
        _("basis"), max_length=10, choices=Basis.choices, default=Basis.ARTICLE
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("source"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ("order", "pk")
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")

    def __str__(self):
        return f"{self.value} {self.label}"


class Guide(Content):
    """A practical guide, such as what to do when your information leaks."""

    body = models.TextField(_("body"), help_text=_("Markdown."))

    search_weights = {"title": 10, "summary": 4, "body": 1}

    class Meta(Content.Meta):
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def get_absolute_url(self):
        return reverse("guide_detail", args=[self.slug])
