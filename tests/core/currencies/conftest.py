from tests.core.objects.conftest import api, member_api, other_api  # noqa: F401  (fixtures)
