"""Deliberately empty: the restricted registers are not in the Django admin, because the admin would
show their content without logging the view. They are read and changed only through the casework
pages and API, which log every view and export."""
