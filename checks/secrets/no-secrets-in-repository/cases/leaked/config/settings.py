import os

DEBUG = False
DATABASE_URL = os.environ["DATABASE_URL"]
# Mail goes out through SendGrid.
SENDGRID_API_KEY = "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"
