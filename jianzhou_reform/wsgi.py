import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianzhou_reform.settings")

application = get_wsgi_application()

# Fail closed before serving anyone: a wrong PERSONAL_DATA_KEY stops the web server.
from core.keys import personal_data_key_verify  # noqa: E402

personal_data_key_verify()
