"""Import files kept between preview and confirmation, on a real S3-compatible server (moto's,
see tests/conftest.py): another web host can confirm what one host previewed."""

import pytest

from .test_import_views import (  # noqa: F401 - collected again here, on S3
    campaign,
    test_a_changed_file_is_not_imported,
    test_cancel_discards_the_file,
    test_it_imports_through_upload_preview_and_confirm,
)

pytestmark = [pytest.mark.usefixtures("s3_storage"), pytest.mark.django_db]
