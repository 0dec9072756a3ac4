from tests.core.objects.conftest import Api, api, member_api, token_for  # noqa: F401
