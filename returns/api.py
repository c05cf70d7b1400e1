def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
