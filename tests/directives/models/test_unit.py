from directives.models import Unit
from tests.factories import UnitFactory


def test_subtree_follows_a_move(province, lead_unit, other_unit):
    child = UnitFactory(parent=lead_unit)
    grandchild = UnitFactory(parent=child)
    child.parent = other_unit
    child.save()
    grandchild.refresh_from_db()
    assert set(Unit.objects.subtree_of(other_unit)) == {other_unit, child, grandchild}
    assert grandchild.is_within(other_unit)
    assert not grandchild.is_within(lead_unit)
