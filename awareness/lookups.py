from django.db.models import IntegerField
from django.db.models.lookups import In


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
