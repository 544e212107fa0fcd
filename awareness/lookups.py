from django.core.exceptions import EmptyResultSet
from django.db.models import CharField, IntegerField, TextField
from django.db.models.lookups import (
    Contains,
    EndsWith,
    Exact,
    IContains,
    IEndsWith,
    IExact,
    In,
    IStartsWith,
    StartsWith,
)


@IntegerField.register_lookup
class IntegerFieldIn(In):
    """`in` for integer columns, leaving out numbers the column cannot hold.

    Django 5.2 does this for exact, gt, gte, lt and lte (IntegerFieldOverflow)
    but not for `in`: on SQLite a huge number in `pk__in` raises
    OverflowError, and a forged POST to any form with a multiple choice of
    objects (the admin's) can send one. Such a number matches no row, so
    leaving it out changes no result.
    """

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


class NulMatchesNothing:
    """A text lookup whose value holds NUL matches no row, instead of failing.

    PostgreSQL text cannot hold NUL and refuses it in a query as well, so an
    admin search, filter or autocomplete term with one was a server error
    there. Forms refuse NUL in what they save, so no row holds one anywhere.
    """

    def as_sql(self, compiler, connection):
        if (
            self.rhs_is_direct_value()
            and isinstance(self.rhs, str)
            and "\x00" in self.rhs
        ):
            raise EmptyResultSet
        return super().as_sql(compiler, connection)


for _lookup in (
    Exact,
    IExact,
    Contains,
    IContains,
    StartsWith,
    IStartsWith,
    EndsWith,
    IEndsWith,
):
    _safe = type(_lookup.__name__, (NulMatchesNothing, _lookup), {})
    CharField.register_lookup(_safe)
    TextField.register_lookup(_safe)
