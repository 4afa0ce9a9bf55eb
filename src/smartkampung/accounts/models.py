"""Staff accounts. Roles and jurisdictions are added on top of this user model."""

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A member of staff who signs in (village operator, camat, agency staff, administrator)."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
