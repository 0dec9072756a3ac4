"""The roles a user of a tenant can hold, from most to least powerful."""

from flask_babel import lazy_gettext as _l

ADMIN = "admin"
MANAGER = "manager"
MEMBER = "member"
# Reads everything its visibility allows and changes nothing; a free seat (see billing).
VIEWER = "viewer"
ROLES = (ADMIN, MANAGER, MEMBER, VIEWER)
# Lazy: each label is translated when shown, in the reader's language.
ROLE_LABELS = {
    ADMIN: _l("Admin"),
    MANAGER: _l("Manager"),
    MEMBER: _l("Member"),
    VIEWER: _l("Viewer"),
}
# The roles that can change records: each active user holding one is a billable seat.
EDITING_ROLES = (ADMIN, MANAGER, MEMBER)
