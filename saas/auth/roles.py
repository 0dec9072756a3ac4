"""The roles a user of a tenant can hold, from most to least powerful."""

ADMIN = "admin"
MANAGER = "manager"
MEMBER = "member"
ROLES = (ADMIN, MANAGER, MEMBER)
ROLE_LABELS = {ADMIN: "Admin", MANAGER: "Manager", MEMBER: "Member"}
