import pytest

# the browser tests' helpers assert; pytest explains those failures only if it rewrites them first
pytest.register_assert_rewrite("tests.browser_support")
