import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@deconstructible
class YearRangeValidator:
    """Refuse a date or moment outside ``earliest`` to ``years_ahead`` from now.

    PostgreSQL stores a timestamp such as 0001-01-01 00:00:00+05:00 in BC,
    and then cannot read it back: every page listing that row fails. A typo
    is refused here instead, in forms and in ``full_clean()`` alike.
    """

    message = _("Enter a date between the years %(earliest)d and %(latest)d.")
    code = "date_out_of_range"

    def __init__(self, earliest=2000, years_ahead=50):
        self.earliest = earliest
        self.years_ahead = years_ahead

    def __call__(self, value):
        if not isinstance(value, datetime.date):
            return
        latest = timezone.now().year + self.years_ahead
        if not self.earliest <= value.year <= latest:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"earliest": self.earliest, "latest": latest},
            )

    def __eq__(self, other):
        return (
            isinstance(other, YearRangeValidator)
            and self.earliest == other.earliest
            and self.years_ahead == other.years_ahead
        )


# Facts checked and items published by this site: not before it existed.
editorial_date = YearRangeValidator()
# A source may be an older publication.
publication_date = YearRangeValidator(earliest=1900)
