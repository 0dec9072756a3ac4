"""The roles a user of a tenant can hold, from most to least powerful."""

ADMIN = "admin"
MANAGER = "manager"
MEMBER = "member"
# Reads everything its visibility allows and changes nothing; a free seat (see billing).
VIEWER = "viewer"
ROLES = (ADMIN, MANAGER, MEMBER, VIEWER)
ROLE_LABELS = {ADMIN: "Admin", MANAGER: "Manager", MEMBER: "Member", VIEWER: "Viewer"}
# The roles that can change records: each active user holding one is a billable seat.
EDITING_ROLES = (ADMIN, MANAGER, MEMBER)
