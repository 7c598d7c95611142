import pytest

from tests import factories as f


@pytest.fixture
def enterprise_a(hr_user):
    """The HR user's enterprise, in its own village and park."""
    enterprise = f.EnterpriseFactory(
        name="甲企业",
        village=f.VillageFactory(name="甲村"),
        park=f.IndustrialParkFactory(name="甲园区"),
    )
    enterprise.hr_users.add(hr_user)
    return enterprise


@pytest.fixture
def enterprise_b(db):
    """Another enterprise, in another village and park, with an HR user of its own."""
    enterprise = f.EnterpriseFactory(
        name="乙企业",
        village=f.VillageFactory(name="乙村"),
        park=f.IndustrialParkFactory(name="乙园区"),
    )
    return enterprise
