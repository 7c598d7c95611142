"""Every factory makes rows the portal itself would accept: each passes its model's validation
(USCC and resident ID check characters, dates in order, a party member's 政治面貌, …)."""

import factory
import pytest

from tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = sorted(
    (
        value
        for value in vars(factories).values()
        if isinstance(value, type)
        and issubclass(value, factory.django.DjangoModelFactory)
        and value._meta.model is not None
    ),
    key=lambda value: value.__name__,
)


@pytest.mark.parametrize("maker", FACTORIES, ids=lambda maker: maker.__name__)
def test_factory_rows_pass_model_validation(maker):
    for row in maker.create_batch(3):
        row.full_clean()
