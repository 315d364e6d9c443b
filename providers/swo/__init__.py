"""SoftwareOne Marketplace user groups (``/public/v1/accounts/user-groups``)."""
