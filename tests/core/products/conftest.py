from tests.core.orders.conftest import (  # noqa: F401  (fixtures)
    api,
    customer,
    gadget,
    member_api,
    other_api,
    widget,
)
